/**
 * The search index: one document per thread (title; question plus accepted and verified answers)
 * and one per article, with a boost (documents.server.ts). The model layer calls indexThread /
 * indexArticle in the transaction of every write that changes what a document holds, so the index
 * is never behind the data. SQLite keeps it in FTS5 (index-sqlite.server.ts), PostgreSQL in tsvector
 * tables (index-postgres.server.ts).
 */
import { write } from "~/lib/db.server";
import { databaseEngine } from "~/lib/env.server";
import { pgRead, pgWrite } from "./engine-postgres.server";
import { sql } from "drizzle-orm";
import {
  ensureSearchIndexSqlite,
  indexArticleSqlite,
  indexedThreadIdsSqlite,
  indexThreadsSqlite,
} from "./index-sqlite.server";
import {
  indexArticlePostgres,
  indexThreadsPostgres,
  rebuildSearchIndexPostgres,
  searchIndexGapsPostgres,
} from "./index-postgres.server";

import { markVocabularyStale } from "./vocabulary.server";

export { VERIFIED_BOOST } from "./documents.server";

/**
 * Re-reads one thread into the index, or leaves it out while it is not visible to everyone (held,
 * hidden or deleted). Call inside the write transaction that changed it.
 */
export async function indexThread(threadId: number) {
  await indexThreads([threadId]);
}

/** indexThread for many threads at once (an import): a few statements for the lot, not a few per thread. */
export async function indexThreads(threadIds: number[]) {
  if (databaseEngine() === "postgres") await indexThreadsPostgres(pgWrite, threadIds);
  else indexThreadsSqlite(threadIds);
}

/** Re-reads one article into the index (or drops it when it was removed). Call inside the write. */
export async function indexArticle(articleId: number) {
  if (databaseEngine() === "postgres") await indexArticlePostgres(pgWrite, articleId);
  else indexArticleSqlite(articleId);
}

/**
 * Builds the index again when a migration asked for it (a row in `search_index_tasks`: both tables
 * cleared and rebuilt), or a table of it from scratch when it is empty but there is content for it (a
 * database from before search existed, restored from a backup without its index, or copied to
 * PostgreSQL). Every process runs it right after the migrations (`migrateAndRebuild`), before it
 * writes anything. Returns how many threads it indexed.
 */
export async function ensureSearchIndex() {
  const indexed = await ensureSearchIndexOfEngine();
  // The vocabulary (typo tolerance) is built from the index: the job rebuilds it at its next run.
  if (indexed > 0) await markVocabularyStale();
  return indexed;
}

async function ensureSearchIndexOfEngine() {
  if (databaseEngine() === "postgres") {
    const gaps = await searchIndexGapsPostgres(pgRead);
    if (!gaps.rebuild && !gaps.threads && !gaps.articles) return 0;
    return write(() => rebuildSearchIndexPostgres(pgWrite));
  }
  return ensureSearchIndexSqlite();
}

/** Which of `threadIds` have a document in the index (for checks: the index must hold exactly the public threads). */
export async function indexedThreadIds(threadIds: number[]): Promise<number[]> {
  if (databaseEngine() !== "postgres") return indexedThreadIdsSqlite(threadIds);
  const rows = await pgRead(
    sql`SELECT thread_id AS id FROM search_threads WHERE thread_id = ANY(${sql.param(threadIds)}::int[])`,
  );
  return rows.map((row) => Number(row.id));
}
