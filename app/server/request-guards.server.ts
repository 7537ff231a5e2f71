/**
 * Refusals at the HTTP edge, before Remix sees a request: whatever Remix or the body parsers cannot
 * take (a malformed Host, a method no page uses, a target that is not a validly encoded path, a legacy
 * `?_data=` request, a body that is not a urlencoded form) is answered here with its 4xx, so none of
 * it can surface as a 500 from deep inside a route.
 */
import { STATUS_CODES } from "node:http";
import type { NextFunction, Request, Response } from "express";
import { log } from "~/lib/log.server";

const METHODS_IN_USE = ["GET", "HEAD", "POST"];
/** The one body encoding the app's forms send (with or without JavaScript); no route takes uploads or JSON. */
const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

function refuse(req: Request, res: Response, status: number, reason: string, fields: Record<string, unknown> = {}) {
  log.warn("request refused", {
    requestId: res.locals.requestId,
    method: req.method,
    path: req.originalUrl,
    status,
    reason,
    ...fields,
  });
  res.status(status).type("text/plain").send(`${STATUS_CODES[status]}: ${reason}`);
}

// RFC 3986 host[:port], narrowed to what a site's address can be: a DNS-style name or IPv4
// address (unreserved characters only), or a bracketed IPv6 literal.
const HOST_AND_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::([0-9]{0,5}))?$/;

/** True for a Host (or X-Forwarded-Host) value that URLs can be built from. */
function isWellFormedHost(value: string): boolean {
  const match = HOST_AND_PORT.exec(value);
  if (!match || value.length > 261 || Number(match[1] ?? 0) > 65_535) return false;
  try {
    new URL(`http://${value}/`); // also refuses what the URL parser rejects, e.g. "1.2.3.999"
    return true;
  } catch {
    return false;
  }
}

/**
 * Remix builds each request's URL from Host, X-Forwarded-Host (whose port it reads even when no
 * proxy is trusted) and, behind a trusted proxy, X-Forwarded-Proto; a value it cannot parse throws
 * there. Refuse those first.
 */
export function refuseMalformedHost(req: Request, res: Response, next: NextFunction) {
  if (req.protocol !== "http" && req.protocol !== "https") {
    return refuse(req, res, 400, "malformed X-Forwarded-Proto header.", { proto: req.get("x-forwarded-proto") });
  }
  const host = req.get("host");
  if (host !== undefined && !isWellFormedHost(host)) return refuse(req, res, 400, "malformed Host header.", { host });
  const forwarded = req.get("x-forwarded-host");
  if (forwarded !== undefined && !forwarded.split(",").every((value) => isWellFormedHost(value.trim()))) {
    return refuse(req, res, 400, "malformed X-Forwarded-Host header.", { forwarded });
  }
  next();
}

/** TRACE, TRACK, PUT, OPTIONS and the rest: no page answers them, so say which methods there are. */
export function refuseUnusedMethods(req: Request, res: Response, next: NextFunction) {
  if (METHODS_IN_USE.includes(req.method)) return next();
  res.setHeader("Allow", METHODS_IN_USE.join(", "));
  refuse(req, res, 405, `this site answers only ${METHODS_IN_USE.join(", ")}.`);
}

/**
 * Remix builds the URL as scheme://host + target, so the target must be a path: the absolute form
 * ("GET http://x/") and the asterisk form ("*") make that URL invalid. And route parameters are
 * percent-decoded by Remix, which throws on "%", "%FF" or a cut sequence.
 */
export function refuseMalformedTarget(req: Request, res: Response, next: NextFunction) {
  if (!req.originalUrl.startsWith("/")) return refuse(req, res, 400, "the request target must be a path on this site.");
  try {
    decodeURIComponent(req.path);
  } catch {
    return refuse(req, res, 400, "the address is not valid percent-encoding.");
  }
  next();
}

/**
 * `?_data=` is how Remix's client fetched loader data before single fetch; this app's client never
 * sends it. Remix still serves it down its legacy data path, which expects each loader to return a
 * Response and fails with a 500 on the plain data our single-fetch loaders return. Refuse them all.
 */
export function refuseLegacyDataRequests(req: Request, res: Response, next: NextFunction) {
  const query = req.originalUrl.indexOf("?");
  if (query === -1 || !new URLSearchParams(req.originalUrl.slice(query + 1)).has("_data")) return next();
  refuse(req, res, 400, "?_data requests are not supported.");
}

/**
 * Every action reads its input with `request.formData()`, which throws on JSON, text, a cut
 * multipart body or no Content-Type at all. Forms here are urlencoded, so a write carrying
 * anything else is refused before any action runs.
 */
export function requireFormBody(req: Request, res: Response, next: NextFunction) {
  if (req.method === "GET" || req.method === "HEAD") return next();
  const mediaType = (req.get("content-type") ?? "").split(";", 1)[0].trim().toLowerCase();
  if (mediaType === FORM_CONTENT_TYPE) return next();
  res.setHeader("Accept-Post", FORM_CONTENT_TYPE);
  refuse(req, res, 415, `forms are sent as ${FORM_CONTENT_TYPE}.`, { contentType: req.get("content-type") });
}

const clientErrorStatus = (error: unknown): number | null => {
  if (typeof error !== "object" || error === null || !("expose" in error) || error.expose !== true) return null;
  const status = "status" in error ? error.status : "statusCode" in error ? error.statusCode : null;
  return typeof status === "number" && status >= 400 && status < 500 ? status : null;
};

/**
 * Express's body parsers fail with http-errors (`status`, `type`, `expose`): a body over the limit
 * or with too many fields is a 413, an unreadable one a 400 or 415. Answer those as they are;
 * anything else goes on to the 500 handler.
 */
export function answerClientErrors(error: unknown, req: Request, res: Response, next: NextFunction) {
  const status = clientErrorStatus(error);
  if (status === null || res.headersSent) return next(error);
  const { message, type } = error as { message: string; type?: string };
  if (status === 413) res.setHeader("Connection", "close");
  refuse(req, res, status, `${message}.`, { type });
}
