import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceContext } from "~/components/nonce";
import { PostBodiesInPage } from "~/components/post-body";
import { isDatabaseUnavailable } from "~/lib/db.server";
import { reportDatabaseBusy } from "~/server/express-app.server";
import { log } from "~/lib/log.server";
import { storePage } from "~/lib/page-cache.server";
import { MarkupReuseContext } from "~/components/reused-markup";
import { keepRenderedMarkup, startMarkupReuse } from "~/lib/markup-reuse.server";

// The HTTP server (server.mjs) reaches these through the build, so it shares this bundle's modules.
export { env, exitOnInvalidConfiguration } from "~/lib/env.server";
export { createExpressApp } from "~/server/express-app.server";
export { prepareDatabase } from "~/server/prepare.server";
export { flushThreadViews } from "~/models/community/thread-views.server";
export { forgetReusedMarkup } from "~/lib/markup-reuse.server";
export { startBackgroundJobs } from "~/server/jobs.server";
export { startInboundSmtp } from "~/server/inbound-smtp.server";
export { installProcessErrorHandlers } from "~/server/process-errors.server";

// Loaders return no promises (nothing is deferred); one still pending after this is rejected.
export const streamTimeout = 5_000;

// A thread's page is invalidated by writes to the threads it shows; any other page by every write.
const THREAD_ROUTE = "routes/questions.$id.($slug)";

/** The threads this render shows if it is a thread's page (its own, and the original it names), or null. */
function threadsOfPage(remixContext: EntryContext): number[] | null {
  const data = remixContext.staticHandlerContext.loaderData[THREAD_ROUTE] as
    { thread?: { id?: unknown; duplicateOf?: { id?: unknown } | null } } | undefined;
  if (typeof data?.thread?.id !== "number") return null;
  const original = data.thread.duplicateOf?.id;
  return typeof original === "number" ? [data.thread.id, original] : [data.thread.id];
}

/**
 * Renders the whole document at once with `renderToString`, after reading the loader data.
 * Our pages defer nothing, so streaming gains nothing; and React 18's streaming renderer writes a
 * NUL byte wherever its 2,048-byte buffer boundary splits a multi-byte character (React issues
 * 24985, 27554, 31134; fixed in 19), while `renderToString` returns a string and never splits one.
 * It also costs a fraction of the streaming render on a long thread (DECISIONS #35).
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  await readLoaderDataForPage(remixContext);
  const reuse = startMarkupReuse();
  // Unlike the streaming renderer, renderToString writes no doctype for an <html> root.
  const html = `<!DOCTYPE html>${renderToString(
    <NonceContext.Provider value={nonce}>
      <PostBodiesInPage.Provider value={loadContext.postBodiesInPage}>
        <MarkupReuseContext.Provider value={reuse}>
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </MarkupReuseContext.Provider>
      </PostBodiesInPage.Provider>
    </NonceContext.Provider>,
  )}`;
  keepRenderedMarkup(reuse, html);
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  if (request.method === "GET" && responseStatusCode === 200 && loadContext.actor.kind === "visitor") {
    const url = new URL(request.url);
    storePage(
      url.pathname + url.search,
      html,
      nonce,
      responseHeaders,
      loadContext.pageCacheRenderStart,
      threadsOfPage(remixContext),
    );
  }
  // As bytes: a string body is first scanned for lone surrogates by the Response, then encoded anyway.
  return new Response(Buffer.from(html), { headers: responseHeaders, status: responseStatusCode });
}

/**
 * With single fetch, Remix hands the loader data to the browser through a stream that its
 * `<StreamTransfer>` reads while rendering, suspending until each chunk arrives. `renderToString`
 * cannot wait for a suspended component (it would leave the data out, and the page would not
 * hydrate), so the stream is read to its end first and put where `<StreamTransfer>` looks for
 * chunks it has read (`renderMeta.streamCache`, part of Remix's EntryContext type): it then
 * renders the data's script at once, as the last chunk.
 */
async function readLoaderDataForPage(context: EntryContext) {
  const stream = context.serverHandoffStream;
  if (!stream || !context.renderMeta) return;
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let data = "";
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    data += decoder.decode(chunk.value, { stream: true });
  }
  data += decoder.decode();
  reader.releaseLock();
  context.renderMeta.streamCache = { 0: Object.assign(Promise.resolve(), { result: { done: true, value: data } }) };
}

const isClientError = (error: unknown) =>
  typeof error === "object" &&
  error !== null &&
  "status" in error &&
  typeof error.status === "number" &&
  error.status < 500;

export const handleError: HandleErrorFunction = (error, { request }) => {
  // 4xx answers (not found, forbidden, bad input) are expected outcomes, not failures to log.
  if (request.signal.aborted || isClientError(error)) return;
  const context = { requestId: request.headers.get("x-request-id"), method: request.method, url: request.url, error };
  if (isDatabaseUnavailable(error)) {
    // Remix renders this as a 500; the HTTP server turns it into a 503 with Retry-After.
    reportDatabaseBusy(context.requestId);
    log.warn("loader, action or render failed: database unavailable", context);
    return;
  }
  log.error("loader, action or render failed", context);
};
