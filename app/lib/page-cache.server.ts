/**
 * A short-lived cache of the pages visitors (not signed in) are served.
 * Every visitor gets the same HTML for a URL, so after one render the next visitors within
 * PAGE_CACHE_TTL_MS get a copy without Remix, React or the database. Staleness is bounded two ways:
 * any write handled by this process empties the cache at once, and writes by other processes
 * sharing the database show after at most the TTL. Signed-in people are never served from it.
 * The CSP nonce differs per response: a stored page keeps a placeholder where its nonce was.
 */
import { randomBytes } from "node:crypto";

export const PAGE_CACHE_TTL_MS = 3_000;
const MAX_ENTRIES = 200;
const PLACEHOLDER = `nonce-placeholder-${randomBytes(9).toString("hex")}`;

type Entry = { body: string; headers: [string, string][]; storedAt: number; generation: number };

const entries = new Map<string, Entry>();
let generation = 0;

export const pageCacheEnabled = () => process.env.PAGE_CACHE !== "off";

/** The cache's current generation: a page rendered from an older one is not stored. */
export const pageCacheGeneration = () => generation;

/** Forget every stored page: called when a request that may change data starts, and when it ends. */
export function invalidatePageCache() {
  generation += 1;
  entries.clear();
}

export function storePage(url: string, html: string, nonce: string, headers: Headers, renderedInGeneration: number) {
  if (!pageCacheEnabled() || headers.has("set-cookie") || renderedInGeneration !== generation) return;
  entries.delete(url);
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(url, {
    body: html.replaceAll(nonce, PLACEHOLDER),
    headers: [...headers.entries()],
    storedAt: Date.now(),
    generation,
  });
}

/** The stored page for `url` with `nonce` in place, or null when there is none or it is too old. */
export function cachedPage(url: string, nonce: string): { body: string; headers: [string, string][] } | null {
  const entry = entries.get(url);
  if (!entry) return null;
  if (entry.generation !== generation || Date.now() - entry.storedAt > PAGE_CACHE_TTL_MS) {
    entries.delete(url);
    return null;
  }
  return { body: entry.body.replaceAll(PLACEHOLDER, nonce), headers: entry.headers };
}
