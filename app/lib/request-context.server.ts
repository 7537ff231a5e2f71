/** What the HTTP server hands every loader and action: who is asking, from where, and ids for logs. */
import type { Actor } from "./permissions.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    actor: Actor;
    requestId: string;
    cspNonce: string;
    clientAddress: string;
    pageCacheGeneration: number;
  }
  interface Future {
    v3_singleFetch: true;
  }
}

export {};
