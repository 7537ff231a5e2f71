/** What the HTTP server hands every loader and action: who is asking, from where, and ids for logs. */
import type { RenderStart } from "~/lib/page-cache.server";
import type { Actor } from "~/lib/permissions.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    actor: Actor;
    requestId: string;
    cspNonce: string;
    /** The client's network for per-address limits: an IPv4 address, or an IPv6 /64 (`addressNetwork`). */
    clientAddress: string;
    /** When the request started, for the visitors' page cache (`RenderStart`). */
    pageCacheRenderStart: RenderStart;
    /**
     * On a document request, where loaders put HTML the page shows but its loader data need not carry
     * (`postBodiesInPage`); null on a data request, whose data must carry everything.
     */
    postBodiesInPage: Map<number, string> | null;
    /**
     * The page is rendered after a form was posted to it without JavaScript (its loaders see a GET):
     * a redirect from there would drop what the action answered, a refusal and what was typed.
     */
    afterFormPost: boolean;
  }
  interface Future {
    v3_singleFetch: true;
  }
}

export {};
