import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext, type HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";
import { log } from "~/lib/log.server";

// The HTTP server (server.mjs) reaches these through the build, so it shares this bundle's modules.
export { createExpressApp } from "~/lib/express-app.server";
export { prepareDatabase } from "../db/prepare";
export { flushThreadViews } from "~/models/thread.server";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  const nonce = loadContext.cspNonce;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) log.error("render failed", { url: request.url, requestId: loadContext.requestId, error });
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

const isClientError = (error: unknown) =>
  typeof error === "object" && error !== null && "status" in error && typeof error.status === "number" && error.status < 500;

export const handleError: HandleErrorFunction = (error, { request }) => {
  // 4xx answers (not found, forbidden, bad input) are expected outcomes, not failures to log.
  if (request.signal.aborted || isClientError(error)) return;
  log.error("loader or action failed", {
    requestId: request.headers.get("x-request-id"),
    method: request.method,
    url: request.url,
    error,
  });
};
