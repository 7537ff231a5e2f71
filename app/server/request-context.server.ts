/** What the HTTP server hands every loader and action: who is asking, from where, and ids for logs. */
import type { Actor } from "~/lib/permissions.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    actor: Actor;
    requestId: string;
    cspNonce: string;
    /** The client's network for per-address limits: an IPv4 address, or an IPv6 /64 (`addressNetwork`). */
    clientAddress: string;
    pageCacheGeneration: number;
  }
  interface Future {
    v3_singleFetch: true;
  }
}

export {};
