/**
 * A short-lived cache of the pages visitors (not signed in) are served.
 * Every visitor gets the same HTML for a URL, so after one render the next visitors within
 * PAGE_CACHE_TTL_MS get a copy without Remix, React or the database. Signed-in people are never
 * served from it. The CSP nonce differs per response: a stored page keeps a placeholder where its nonce was.
 *
 * A write by this process invalidates what it changed the moment it commits (`write`
 * in db.server.ts calls this module; DECISIONS.md #37):
 * - a write that concerns one thread drops that thread's pages (every URL the thread's route
 *   rendered: any slug, any query), the pages of duplicates that name it as their original (its
 *   title, or the thread itself once hidden, must not stay on them), and every page that is not
 *   one thread's page (lists, tags, search, profiles, articles, post histories…); other threads'
 *   pages stay cached. Writes by other processes sharing the database show within the TTL;
 * - any other write (one that declared nothing, or a change found outside `write`)
 *   drops every page.
 * A page rendered from data read before a write committed must not be stored: each invalidation
 * takes the next generation, a render remembers the generation its request started in, and
 * `storePage` refuses it when its thread's pages (or, for other pages, any pages) were invalidated
 * since. Renders of other threads' pages are stored as usual. A page's TTL runs from its request's
 * start, so no process serves a page whose data is older than the TTL, whoever wrote since.
 */
import { randomBytes } from "node:crypto";
import { env } from "./env.server";

export const PAGE_CACHE_TTL_MS = 3_000;
const MAX_ENTRIES = 200;
// The cache holds at most this much page text (UTF-16 code units, about twice as many bytes), and
// no single page above a quarter of it: long threads reach megabytes, and 200 of them outgrow the heap.
const MAX_TOTAL_LENGTH = 16 * 1024 * 1024;
const MAX_PAGE_LENGTH = MAX_TOTAL_LENGTH / 4;
// Threads whose last invalidation is remembered; past this they are forgotten together and
// `threadsForgottenAt` stands in for each (a render older than that is then not stored).
const MAX_REMEMBERED_THREADS = 10_000;
const PLACEHOLDER = `nonce-placeholder-${randomBytes(9).toString("hex")}`;

/**
 * `threads`: the threads a thread page shows (its own first, then the original it names if it is a
 * duplicate), or null for any other page. `dataFrom`: when the request that rendered it started.
 */
type Entry = { body: string; headers: [string, string][]; dataFrom: number; threads: number[] | null };

/**
 * Where a request stood when it started, taken before it reads anything: the generation (see
 * `storePage`) and the time. A page's age counts from then, not from when it was stored: its data is
 * no newer, and another process's write committed during the render must show within the TTL of it.
 */
export type RenderStart = { generation: number; at: number };

const entries = new Map<string, Entry>();
let totalLength = 0;
// Generations: every invalidation takes the next one and records it where it applies.
let generation = 0;
let everythingInvalidatedAt = 0;
let otherPagesInvalidatedAt = 0; // pages that are not one thread's: every invalidation drops them
const threadInvalidatedAt = new Map<number, number>();
let threadsForgottenAt = 0;

export const pageCacheEnabled = () => env("PAGE_CACHE") === "on";

/** Remembered by a request when it starts: see `RenderStart` and `storePage`. */
export const pageCacheRenderStart = (): RenderStart => ({ generation, at: Date.now() });

function forget(url: string) {
  const entry = entries.get(url);
  if (!entry) return;
  totalLength -= entry.body.length;
  entries.delete(url);
}

/** Forgets every stored page: for a write whose reach is not known. */
export function invalidatePageCache() {
  generation += 1;
  everythingInvalidatedAt = otherPagesInvalidatedAt = generation;
  threadInvalidatedAt.clear();
  threadsForgottenAt = 0;
  entries.clear();
  totalLength = 0;
}

/** Forgets the pages of `threads`, and every page that is not one thread's page: for writes to those threads. */
export function invalidateThreadPages(threads: Iterable<number>) {
  generation += 1;
  otherPagesInvalidatedAt = generation;
  const changed = new Set(threads);
  if (threadInvalidatedAt.size + changed.size > MAX_REMEMBERED_THREADS) {
    threadInvalidatedAt.clear();
    threadsForgottenAt = generation;
  }
  for (const thread of changed) threadInvalidatedAt.set(thread, generation);
  for (const [url, entry] of entries) {
    if (entry.threads === null || entry.threads.some((thread) => changed.has(thread))) forget(url);
  }
}

/** The generation of the last invalidation that reached a thread page showing `threads` (null: any other page). */
function lastInvalidationOf(threads: number[] | null) {
  if (threads === null) return otherPagesInvalidatedAt;
  return Math.max(
    everythingInvalidatedAt,
    ...threads.map((thread) => threadInvalidatedAt.get(thread) ?? threadsForgottenAt),
  );
}

/**
 * Keeps a visitor's page rendered by a request that started at `renderStart`, unless a write that
 * reaches it committed since (a write by this process; others' show within the TTL of that start). `threads`: for a thread page, the threads it shows (its
 * own, and the original it names if it is a duplicate); null for any other page.
 */
export function storePage(
  url: string,
  html: string,
  nonce: string,
  headers: Headers,
  renderStart: RenderStart,
  threads: number[] | null,
) {
  if (!pageCacheEnabled() || headers.has("set-cookie") || html.length > MAX_PAGE_LENGTH) return;
  if (lastInvalidationOf(threads) > renderStart.generation) return;
  forget(url);
  const body = html.replaceAll(nonce, PLACEHOLDER);
  // Entries are kept in the order they were stored: the oldest (or expired) go first.
  for (const [oldest, entry] of entries) {
    const expired = Date.now() - entry.dataFrom > PAGE_CACHE_TTL_MS;
    if (!expired && entries.size < MAX_ENTRIES && totalLength + body.length <= MAX_TOTAL_LENGTH) break;
    forget(oldest);
  }
  entries.set(url, { body, headers: [...headers.entries()], dataFrom: renderStart.at, threads });
  totalLength += body.length;
}

/** How much page text the cache holds now, for tests. */
export const pageCacheSize = () => ({ entries: entries.size, length: totalLength });

/**
 * The stored page for `url` with `nonce` in place, and the thread whose page it is (null for any
 * other page); null when there is none or it is too old.
 */
export function cachedPage(
  url: string,
  nonce: string,
): { body: string; headers: [string, string][]; thread: number | null } | null {
  const entry = entries.get(url);
  if (!entry) return null;
  if (Date.now() - entry.dataFrom > PAGE_CACHE_TTL_MS) {
    forget(url);
    return null;
  }
  return {
    body: entry.body.replaceAll(PLACEHOLDER, nonce),
    headers: entry.headers,
    thread: entry.threads?.[0] ?? null,
  };
}
