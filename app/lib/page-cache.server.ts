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
// The cache holds at most this much page text (UTF-16 code units, about twice as many bytes), and
// no single page above a quarter of it: long threads reach megabytes, and 200 of them outgrow the heap.
const MAX_TOTAL_LENGTH = 16 * 1024 * 1024;
const MAX_PAGE_LENGTH = MAX_TOTAL_LENGTH / 4;
const PLACEHOLDER = `nonce-placeholder-${randomBytes(9).toString("hex")}`;

type Entry = { body: string; headers: [string, string][]; storedAt: number; generation: number };

const entries = new Map<string, Entry>();
let generation = 0;
let totalLength = 0;

export const pageCacheEnabled = () => process.env.PAGE_CACHE !== "off";

/** The cache's current generation: a page rendered from an older one is not stored. */
export const pageCacheGeneration = () => generation;

/** Forget every stored page: called when a request that may change data starts, and when it ends. */
export function invalidatePageCache() {
  generation += 1;
  entries.clear();
  totalLength = 0;
}

function forget(url: string) {
  const entry = entries.get(url);
  if (!entry) return;
  totalLength -= entry.body.length;
  entries.delete(url);
}

export function storePage(url: string, html: string, nonce: string, headers: Headers, renderedInGeneration: number) {
  if (!pageCacheEnabled() || headers.has("set-cookie") || renderedInGeneration !== generation || html.length > MAX_PAGE_LENGTH) return;
  forget(url);
  const body = html.replaceAll(nonce, PLACEHOLDER);
  // Entries are kept in the order they were stored: the oldest (or expired) go first.
  for (const [oldest, entry] of entries) {
    const expired = Date.now() - entry.storedAt > PAGE_CACHE_TTL_MS;
    if (!expired && entries.size < MAX_ENTRIES && totalLength + body.length <= MAX_TOTAL_LENGTH) break;
    forget(oldest);
  }
  entries.set(url, { body, headers: [...headers.entries()], storedAt: Date.now(), generation });
  totalLength += body.length;
}

/** How much page text the cache holds now, for tests. */
export const pageCacheSize = () => ({ entries: entries.size, length: totalLength });

/** The stored page for `url` with `nonce` in place, or null when there is none or it is too old. */
export function cachedPage(url: string, nonce: string): { body: string; headers: [string, string][] } | null {
  const entry = entries.get(url);
  if (!entry) return null;
  if (entry.generation !== generation || Date.now() - entry.storedAt > PAGE_CACHE_TTL_MS) {
    forget(url);
    return null;
  }
  return { body: entry.body.replaceAll(PLACEHOLDER, nonce), headers: entry.headers };
}
