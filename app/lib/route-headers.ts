import type { HeadersFunction } from "@remix-run/node";

/**
 * Remix passes only cookies from loaders and actions into a document response unless the route
 * exports `headers`. Routes with forms export this one, so a 429's Retry-After reaches the client.
 */
export const mergeRouteHeaders: HeadersFunction = ({ parentHeaders, loaderHeaders, actionHeaders, errorHeaders }) => {
  const headers = new Headers(parentHeaders);
  for (const source of [loaderHeaders, actionHeaders, errorHeaders]) {
    source?.forEach((value, key) => {
      if (key !== "set-cookie") headers.set(key, value);
    });
  }
  return headers;
};
