/**
 * The HTTP server around the Remix build: request ids, security headers, refusals of requests
 * Remix cannot take (request-guards.server.ts), same-origin writes, a body-size limit, the session
 * lookup (once per request), logging of every 5xx, and the overload answers: a bounded queue in
 * front of Remix, and 503 + Retry-After when the database is busy or the queue sheds a request.
 * It lives inside the server build so it shares one database connection with the routes.
 */
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import { validateSessionCookie } from "~/models/accounts/auth.server";
import { recordThreadView } from "~/models/community/thread-views.server";
import {
  DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS,
  invalidatePagesAfterUntrackedWrites,
  isDatabaseUnavailable,
} from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { log } from "~/lib/log.server";
import { ValidationError } from "~/lib/errors.server";
import {
  createRequestQueue,
  requestQueueLimitsFromEnv,
  type RequestQueue,
  type RequestQueueLimits,
} from "./request-queue.server";
import { runInRequestSlot, type RequestSlot } from "~/lib/request-slot.server";
import { unsubscribe } from "~/models/notifications/email-preferences.server";
import { cachedPage, pageCacheEnabled, pageCacheRenderStart, type RenderStart } from "~/lib/page-cache.server";
import { VISITOR, type Actor } from "~/lib/permissions.server";
import { addressNetwork } from "~/lib/rate-limit.server";
import {
  answerClientErrors,
  refuseLegacyDataRequests,
  refuseMalformedHost,
  refuseMalformedTarget,
  refuseUnusedMethods,
  requireFormBody,
} from "./request-guards.server";

// A form holding a post at its longest (32,000 characters) of three-byte characters (CJK) is about
// 290 KB percent-encoded: the limit leaves room for that, and nothing much larger.
export const MAX_BODY_BYTES = 512 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function contentSecurityPolicy(nonce: string) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' https: http:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join("; ");
}

function securityHeaders(req: Request, res: Response, next: NextFunction) {
  const requestId = randomUUID();
  const nonce = randomBytes(16).toString("base64");
  res.locals.requestId = requestId;
  res.locals.cspNonce = nonce;
  req.headers["x-request-id"] = requestId;
  res.setHeader("X-Request-Id", requestId);
  res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
  res.setHeader("X-Frame-Options", "SAMEORIGIN");
  res.on("finish", () => {
    if (res.statusCode >= 500 && !res.locals.shed) {
      // A 503 (a busy database) is a condition to watch, not a defect; shed requests are summed up by overloadShedding.
      const report = res.statusCode === 503 ? log.warn : log.error;
      report("request failed", { requestId, method: req.method, path: req.originalUrl, status: res.statusCode });
    }
  });
  next();
}

// RFC 8058 one-click unsubscribe: mail clients POST to the link from their own origin. The signed
// link is the only authority that route uses (never the session cookie), so CSRF does not apply.
const CROSS_SITE_POSTS = new Set(["/unsubscribe"]);

/** CSRF defence: a state-changing request must come from a page of our own origin. */
function sameOriginWrites(req: Request, res: Response, next: NextFunction) {
  if (SAFE_METHODS.has(req.method) || CROSS_SITE_POSTS.has(req.path)) return next();
  const fetchSite = req.get("sec-fetch-site");
  const origin = req.get("origin");
  const crossSite = fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none";
  let foreignOrigin = false;
  if (origin !== undefined) {
    try {
      foreignOrigin = origin === "null" || new URL(origin).host !== req.get("host");
    } catch {
      foreignOrigin = true;
    }
  }
  if (crossSite || foreignOrigin) {
    log.warn("cross-origin write refused", {
      requestId: res.locals.requestId,
      origin,
      fetchSite,
      path: req.originalUrl,
    });
    res.status(403).type("text/plain").send("Forbidden: this request did not come from this site.");
    return;
  }
  next();
}

function bodySizeLimit(req: Request, res: Response, next: NextFunction) {
  if (SAFE_METHODS.has(req.method)) return next();
  const declared = req.get("content-length");
  if (declared === undefined) {
    if (req.get("transfer-encoding")) {
      res.status(411).type("text/plain").send("Length Required");
      return;
    }
    return next();
  }
  if (!/^\d+$/.test(declared)) {
    res.status(400).type("text/plain").send("Bad Request: invalid Content-Length");
    return;
  }
  if (Number(declared) > MAX_BODY_BYTES) {
    res.setHeader("Connection", "close");
    res
      .status(413)
      .type("text/plain")
      .send(`Payload Too Large: requests are limited to ${MAX_BODY_BYTES / 1024} KB.`);
    return;
  }
  next();
}

// How long a request's body may take to arrive once its headers have.
const BODY_ARRIVAL_LIMIT_MS = 10_000;

/**
 * A request's body has arrived before the request may take one of the few request slots: read to
 * its Content-Length (bodySizeLimit has checked it), then put back on the request for Remix to read.
 * Read inside a slot, a body sent slowly, or never finished, held the slot while nothing was sent:
 * four such connections answered every other request with 503 for the 300 s of Node's own limit.
 * A body that has not arrived within BODY_ARRIVAL_LIMIT_MS gets a 408 and the connection is closed.
 */
function bodyArrivedFirst(req: Request, res: Response, next: NextFunction) {
  const declared = Number(req.get("content-length") ?? 0);
  if (SAFE_METHODS.has(req.method) || !(declared > 0)) return next();
  const chunks: Buffer[] = [];
  let received = 0;
  const stop = () => {
    clearTimeout(timer);
    req.off("data", onData);
    req.off("close", stop);
  };
  const timer = setTimeout(() => {
    stop();
    req.pause();
    log.warn("request body too slow: refused", {
      requestId: res.locals.requestId,
      path: req.originalUrl,
      declaredBytes: declared,
      receivedBytes: received,
    });
    res.setHeader("Connection", "close");
    res.status(408).type("text/plain").send("Request Timeout: the rest of the request did not arrive in time.");
  }, BODY_ARRIVAL_LIMIT_MS);
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
    if (received < declared) return;
    stop();
    // Paused before it is put back: nothing flows until Remix's reader asks for it (it resumes the
    // stream), and unshifted in the same turn, so the stream cannot end before it is read again.
    req.pause();
    req.unshift(Buffer.concat(chunks));
    next();
  };
  req.on("data", onData);
  req.on("close", stop); // the client left: nothing to answer
}

/** Express 4 ignores the promise an async middleware returns: its rejection is handed to `next` here. */
function handled(middleware: (req: Request, res: Response, next: NextFunction) => Promise<unknown>) {
  return (req: Request, res: Response, next: NextFunction) => {
    middleware(req, res, next).catch(next);
  };
}

async function sessionActor(req: Request, res: Response, next: NextFunction) {
  try {
    const { user, setCookie } = await validateSessionCookie(req.get("cookie") ?? null, { secure: req.secure });
    if (setCookie) res.append("Set-Cookie", setCookie);
    const actor: Actor = user ? { kind: "user", ...user } : VISITOR;
    res.locals.actor = actor;
    next();
  } catch (error) {
    next(error);
  }
}

/**
 * A signed-in person's pages carry their own data (private messages, notifications, drafts):
 * no cache may keep them, shared or in the browser. Every response to a signed-in actor is
 * `private, no-store` unless its route already said `no-store`. Visitors' pages are untouched.
 */
function noStoreForSignedIn(_req: Request, res: Response, next: NextFunction) {
  if ((res.locals.actor as Actor).kind !== "user") return next();
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<typeof writeHead>) {
    if (!/\bno-store\b/i.test(String(res.getHeader("cache-control") ?? "")))
      res.setHeader("Cache-Control", "private, no-store");
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
}

/**
 * Visitors' GETs are answered from the page cache when it holds a fresh copy. Writes invalidate
 * what they changed as they commit (`write`); a write made outside one empties the
 * cache here, before the cache answers.
 */
function visitorPageCache(req: Request, res: Response, next: NextFunction) {
  invalidatePagesAfterUntrackedWrites();
  res.locals.pageCacheRenderStart = pageCacheRenderStart();
  if (req.method !== "GET" || res.locals.actor.kind !== "visitor" || !pageCacheEnabled()) return next();
  const page = cachedPage(req.originalUrl, res.locals.cspNonce);
  if (!page) return next();
  for (const [name, value] of page.headers) res.setHeader(name, value);
  res.setHeader("X-Hearth-Cache", "hit");
  res.status(200).send(page.body);
  // The thread loader counts views; a cached copy skips the loader, so count here.
  if (page.thread !== null) recordThreadView(page.thread);
}

/**
 * POST /unsubscribe, outside Remix (whose own CSRF check refuses cross-origin document POSTs):
 * a mail client's RFC 8058 one-click POST gets a plain 200; the page's own button is sent back to
 * the page, which then says it is done.
 */
async function oneClickUnsubscribe(req: Request, res: Response, next: NextFunction) {
  const link = Object.fromEntries(Object.entries(req.query).map(([key, value]) => [key, String(value)]));
  try {
    await unsubscribe(link);
  } catch (error) {
    if (error instanceof ValidationError) {
      res.status(400).type("text/plain").send(error.message);
      return;
    }
    return next(error);
  }
  if (req.body?.["List-Unsubscribe"] === "One-Click") {
    res.status(200).type("text/plain").send("Unsubscribed.");
    return;
  }
  res.redirect(303, `/unsubscribe?${new URLSearchParams({ ...link, done: "1" })}`);
}

// ---- Overload: a busy database and more requests than the server can serve in time ----

// Request ids whose loader or action failed on a busy database (reported by handleError, which
// cannot change the status of the page Remix then renders).
const databaseBusyRequests = new Set<string>();

/** Called by Remix's handleError: the request `requestId` failed because the database was busy. */
export function reportDatabaseBusy(requestId: string | null) {
  if (requestId) databaseBusyRequests.add(requestId);
}

/**
 * Every 503 carries Retry-After, and a request that failed on a busy database is a 503 rather
 * than the 500 Remix renders for an error it did not expect. Both are decided here, when the
 * status is set, so no route has to remember them.
 */
function serviceUnavailableAnswers(_req: Request, res: Response, next: NextFunction) {
  const setStatus = res.status.bind(res);
  res.status = (code: number) => {
    const status = code === 500 && databaseBusyRequests.has(res.locals.requestId) ? 503 : code;
    if (status === 503 && !res.hasHeader("Retry-After"))
      res.setHeader("Retry-After", String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS));
    return setStatus(status);
  };
  res.on("close", () => databaseBusyRequests.delete(res.locals.requestId));
  next();
}

// Health checks are never queued behind page renders (nor is the one-click unsubscribe, answered before the queue).
const NEVER_SHED = new Set(["/healthz"]);
const SHED_LOG_INTERVAL_MS = 10_000;

// A complete response still waits in memory for a client that reads slowly; past this, the
// connection is dropped, so slow readers cannot pile up pages in memory.
const SLOW_READER_LIMIT_MS = 30_000;

function dropSlowReader(res: Response) {
  if (res.writableFinished) return;
  const timer = setTimeout(() => {
    log.warn("dropping a connection that did not read its response", {
      requestId: res.locals.requestId,
      bufferedBytes: res.writableLength,
    });
    res.destroy();
  }, SLOW_READER_LIMIT_MS).unref();
  res.once("close", () => clearTimeout(timer));
}

/**
 * Starts admitted requests only after the loop has read every socket that was ready, and then one
 * per turn of the loop. On SQLite a render never waits for I/O: started in the callback that read
 * it, a request ran to its end before the server had read the requests that came with it, and those
 * waited where the queue could not see them, so none was ever shed (9 s in the bench's 200-connection
 * scenario). And libuv accepts one new connection per turn: every render more in a turn keeps new
 * connections longer in the kernel's backlog. A start answers whether it started anything (not if
 * its client left meanwhile), so requests given up on cost no turn.
 */
function createStartAfterReads() {
  const pending: (() => boolean)[] = [];
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(startNext); // an immediate set while immediates run waits for the next turn
  };
  const startNext = () => {
    scheduled = false;
    for (let start = pending.shift(); start; start = pending.shift()) {
      if (pending.length > 0) schedule(); // first: a start that throws must not stall the rest
      if (start()) return;
    }
  };
  return (start: () => boolean) => {
    pending.push(start);
    schedule();
  };
}

/**
 * The bounded queue in front of Remix (request-queue.server.ts): what cannot start within the
 * wait limit gets a fast 503 with `Retry-After: 1`. Static files, cached visitor pages and
 * /healthz are answered before it. Shed requests are logged as one summary every 10 s at most.
 */
function overloadShedding(queue: RequestQueue) {
  const startAfterReads = createStartAfterReads();
  let shedSinceLog = 0;
  let lastLog = 0;
  const noteShed = () => {
    shedSinceLog += 1;
    const at = Date.now();
    if (at - lastLog < SHED_LOG_INTERVAL_MS) return;
    log.warn("overloaded: shedding requests", { shed: shedSinceLog, ...queue.stats() });
    shedSinceLog = 0;
    lastLog = at;
  };
  return function shedWhenOverloaded(req: Request, res: Response, next: NextFunction) {
    if (NEVER_SHED.has(req.path)) return next();
    const withdraw = queue.enter(
      (release) => {
        // The slot may be given back and taken again while the request runs (`waitOutsideRequestSlot`).
        const slot: RequestSlot = { queue, release, finished: false };
        const finish = () => {
          slot.finished = true;
          slot.release();
        };
        // The slot is the server's work, not the client's reading: it is free once the response is
        // complete, so clients that never read a long page cannot hold every slot.
        const end = res.end.bind(res) as (...args: unknown[]) => Response;
        res.end = ((...args: unknown[]) => {
          const result = end(...args);
          finish();
          dropSlowReader(res);
          return result;
        }) as Response["end"];
        res.on("close", finish);
        startAfterReads(() => {
          if (res.destroyed) {
            finish(); // the client left while waiting
            return false;
          }
          try {
            runInRequestSlot(slot, next);
          } catch (error) {
            next(error); // outside Express's own call now: its error handler answers, the process stays up
          }
          return true;
        });
      },
      () => {
        noteShed();
        res.locals.shed = true;
        res.setHeader("Retry-After", "1");
        res.status(503).type("text/plain").send("The site is busy. Please try again in a moment.");
      },
    );
    res.on("close", withdraw);
  };
}

const FILE_NAME = /\/[^/]+\.[a-z0-9]+$/i;

export function createExpressApp(
  build: ServerBuild,
  {
    root = process.cwd(),
    requestLimits = requestQueueLimitsFromEnv(),
  }: { root?: string; requestLimits?: RequestQueueLimits } = {},
) {
  const app = express();
  app.disable("x-powered-by");
  const trustedProxies = env("TRUST_PROXY");
  if (trustedProxies !== undefined) app.set("trust proxy", trustedProxies);
  app.use(securityHeaders);
  app.use(serviceUnavailableAnswers);
  app.use(refuseMalformedHost, refuseUnusedMethods, refuseMalformedTarget, refuseLegacyDataRequests);
  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
  // Only a file name (with an extension) can be one of public/'s files: pages skip the disk lookup.
  const publicFiles = express.static(path.join(root, "public"), { maxAge: "1h", index: false });
  app.use((req, res, next) => (FILE_NAME.test(req.path) ? publicFiles(req, res, next) : next()));
  app.use(sameOriginWrites);
  app.use(bodySizeLimit);
  app.use(handled(sessionActor));
  app.use(noStoreForSignedIn);
  app.use(visitorPageCache);
  app.post("/unsubscribe", express.urlencoded({ extended: false, limit: "1kb" }), handled(oneClickUnsubscribe));
  // After /unsubscribe, whose parser reads its own small body; before the slots.
  app.use(bodyArrivedFirst);
  app.use(overloadShedding(createRequestQueue(requestLimits)));
  app.all(
    "*",
    requireFormBody,
    handled(
      createRequestHandler({
        build,
        // Remix puts errors' stacks into pages outside production: only development may see them,
        // so tests serve what production serves.
        mode: env("NODE_ENV") === "development" ? "development" : "production",
        getLoadContext: (req, res) => ({
          actor: res.locals.actor as Actor,
          requestId: res.locals.requestId as string,
          cspNonce: res.locals.cspNonce as string,
          clientAddress: addressNetwork(req.ip ?? req.socket.remoteAddress ?? "unknown"),
          pageCacheRenderStart: res.locals.pageCacheRenderStart as RenderStart,
          // Single fetch's data requests end in `.data`; anything else renders a document.
          postBodiesInPage: req.path.endsWith(".data") ? null : new Map(),
          afterFormPost: req.method === "POST" && !req.path.endsWith(".data"),
        }),
      }),
    ),
  );
  app.use(answerClientErrors);
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const context = { requestId: res.locals.requestId, method: req.method, path: req.originalUrl, error };
    if (isDatabaseUnavailable(error)) {
      log.warn("database unavailable", context);
      if (!res.headersSent)
        res.status(503).type("text/plain").send("The site is busy. Please try again in a few seconds.");
      return;
    }
    log.error("unhandled error", context);
    if (!res.headersSent)
      res.status(500).type("text/plain").send(`Internal Server Error (request ${res.locals.requestId})`);
  });
  return app;
}
