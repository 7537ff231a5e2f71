import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";
import { isDatabaseBusy } from "~/lib/db.server";
import { reportDatabaseBusy } from "~/lib/express-app.server";
import { log } from "~/lib/log.server";
import { storePage } from "~/lib/page-cache.server";

// The HTTP server (server.mjs) reaches these through the build, so it shares this bundle's modules.
export { createExpressApp } from "~/lib/express-app.server";
export { prepareDatabase } from "../db/prepare";
export { flushThreadViews } from "~/models/thread.server";
export { startBackgroundJobs } from "~/models/jobs.server";
export { installProcessErrorHandlers } from "~/lib/process-errors.server";

const ABORT_DELAY = 5_000;

// A thread's page is invalidated by writes to that thread only; any other page by every write.
const THREAD_ROUTE = "routes/questions.$id.($slug)";

/** The thread whose page this render is (its loader's thread), or null for any other page. */
function threadOfPage(remixContext: EntryContext): number | null {
  const data = remixContext.staticHandlerContext.loaderData[THREAD_ROUTE] as { thread?: { id?: unknown } } | undefined;
  return typeof data?.thread?.id === "number" ? data.thread.id : null;
}

/**
 * Renders the whole document before answering. Our pages defer no data, so streaming gains
 * nothing; collecting React's chunks in memory and sending one body avoids piping ~50 small
 * chunks of a long thread through three stream layers, which cost more than the render itself.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  return new Promise<Response>((resolve, reject) => {
    // Cleared as soon as the page is done: a pending timer keeps the whole render (tree, data and
    // HTML) alive for its 5 s, and a few seconds of large pages then outgrow the heap.
    const abortTimer = setTimeout(() => abort(), ABORT_DELAY);
    const chunks: Buffer[] = [];
    const collector = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
      final(done) {
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        const html = Buffer.concat(chunks).toString("utf8");
        if (request.method === "GET" && responseStatusCode === 200 && loadContext.actor.kind === "visitor") {
          const url = new URL(request.url);
          storePage(url.pathname + url.search, html, nonce, responseHeaders, loadContext.pageCacheGeneration, threadOfPage(remixContext));
        }
        clearTimeout(abortTimer);
        resolve(new Response(html, { headers: responseHeaders, status: responseStatusCode }));
        done();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        onAllReady() {
          pipe(collector);
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          log.error("render failed", { url: request.url, requestId: loadContext.requestId, error });
        },
      },
    );
  });
}

const isClientError = (error: unknown) =>
  typeof error === "object" && error !== null && "status" in error && typeof error.status === "number" && error.status < 500;

export const handleError: HandleErrorFunction = (error, { request }) => {
  // 4xx answers (not found, forbidden, bad input) are expected outcomes, not failures to log.
  if (request.signal.aborted || isClientError(error)) return;
  const context = { requestId: request.headers.get("x-request-id"), method: request.method, url: request.url, error };
  if (isDatabaseBusy(error)) {
    // Remix renders this as a 500; the HTTP server turns it into a 503 with Retry-After.
    reportDatabaseBusy(context.requestId);
    log.warn("loader or action failed: database busy", context);
    return;
  }
  log.error("loader or action failed", context);
};
