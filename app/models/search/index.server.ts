/**
 * The search index: one document per thread (title; question plus accepted and verified answers)
 * and one per article, with a boost (documents.server.ts). The model layer calls indexThread /
 * indexArticle in the transaction of every write that changes what a document holds, so the index
 * is never behind the data. SQLite keeps it in FTS5 (index-sqlite.server.ts).
 */
import { ensureSearchIndexSqlite, indexArticleSqlite, indexThreadSqlite } from "./index-sqlite.server";

export { VERIFIED_BOOST } from "./documents.server";

/**
 * Re-reads one thread into the index, or leaves it out while it is not visible to everyone (held,
 * hidden or deleted). Call inside the write transaction that changed it.
 */
export async function indexThread(threadId: number) {
  indexThreadSqlite(threadId);
}

/** Re-reads one article into the index (or drops it when it was removed). Call inside the write. */
export async function indexArticle(articleId: number) {
  indexArticleSqlite(articleId);
}

/**
 * Builds the index from scratch when it is empty but there is content (a database from before
 * search existed, or restored from a backup without its index). Returns how many threads it indexed.
 */
export async function ensureSearchIndex() {
  return ensureSearchIndexSqlite();
}
