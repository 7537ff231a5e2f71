/**
 * The search index on SQLite (FTS5, see db/migrations/0002_search.sql): the documents of
 * documents.server.ts, built in SQL with the JS functions registered on the connection.
 */
import { type SQL } from "drizzle-orm";
import { alias, SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { posts, threads } from "../../../db/schema";
import { sqliteConnection, preparedStatement, write } from "~/lib/db.server";
import { plainText } from "~/lib/markdown.server";
import { publicPostStatesCondition, publicThreadsCondition } from "~/lib/permissions.server";
import { DUPLICATE_BOOST, SOLVED_BOOST, VERIFIED_BOOST, facetTokens, hyphenatedCompounds } from "./documents.server";

const functionsRegistered = new WeakSet<object>();

/** SQL functions the indexing statements use; registered once per connection. */
function ensureSqlFunctions() {
  const sqlite = sqliteConnection();
  if (functionsRegistered.has(sqlite)) return;
  sqlite.function("hearth_plain_text", { deterministic: true }, (html: unknown) => plainText(String(html ?? "")));
  sqlite.function("hearth_compounds", { deterministic: true }, (text: unknown) =>
    hyphenatedCompounds(String(text ?? "")),
  );
  sqlite.function("hearth_facet", { deterministic: true, varargs: true }, (kind: unknown, ...values: unknown[]) =>
    facetTokens(kind as "cat", ...values).join(" "),
  );
  functionsRegistered.add(sqlite);
}

/** A condition as SQLite text, for the statements below (which drizzle cannot express); it must bind no values. */
function sqliteText(condition: SQL) {
  const { sql, params } = new SQLiteSyncDialect().sqlToQuery(condition);
  if (params.length > 0) throw new Error(`a condition written into index SQL binds values: ${sql}`);
  return sql;
}

// The index holds what everyone may see, so that no search result needs checking per reader: the
// permission module's public twins, on the aliases the statements give their tables.
const PUBLIC_THREAD = sqliteText(publicThreadsCondition(alias(threads, "t")));
const PUBLIC_POST = sqliteText(publicPostStatesCondition(alias(posts, "p")));

// The document of each thread chosen by `threadFilter`; shared by single-thread indexing and rebuilds.
const threadDocumentSql = (threadFilter: string) => `
  WITH documents AS MATERIALIZED (
    SELECT t.id, t.title,
      (SELECT group_concat(text, char(10)) FROM (
         SELECT hearth_plain_text(p.body_html) AS text FROM posts p
         WHERE p.thread_id = t.id AND ${PUBLIC_POST}
           AND (p.kind = 'question' OR p.id IN (SELECT post_id FROM solutions WHERE thread_id = t.id))
         ORDER BY p.kind DESC, p.id)) AS body,
      hearth_facet('cat', c.slug) || ' ' ||
      hearth_facet('tag', (SELECT group_concat(g.name) FROM thread_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.thread_id = t.id)) ||
      CASE WHEN EXISTS (SELECT 1 FROM solutions WHERE thread_id = t.id) THEN ' ' || hearth_facet('is', 'solved') ELSE '' END AS facets
    FROM threads t JOIN categories c ON c.id = t.category_id
    WHERE ${PUBLIC_THREAD} ${threadFilter})
  INSERT INTO search_threads (rowid, title, body, aliases, facets)
  SELECT id, title, body, hearth_compounds(title || ' ' || body), facets FROM documents`;

const threadBoostSql = (threadFilter: string) => `
  INSERT OR REPLACE INTO search_thread_boosts (thread_id, boost)
  SELECT t.id,
    CASE
      WHEN t.duplicate_of_id IS NOT NULL THEN ${DUPLICATE_BOOST}
      WHEN EXISTS (SELECT 1 FROM solutions WHERE thread_id = t.id AND kind = 'verified') THEN ${VERIFIED_BOOST}
      WHEN EXISTS (SELECT 1 FROM solutions WHERE thread_id = t.id) THEN ${SOLVED_BOOST}
      ELSE 1.0 END
  FROM threads t
  WHERE ${PUBLIC_THREAD} ${threadFilter}`;

const THREADS_OF_LIST = "AND t.id IN (SELECT value FROM json_each(?))";

const articleDocumentSql = (articleFilter: string) => `
  INSERT INTO search_articles (rowid, title, summary, body, aliases, facets)
  SELECT a.id, a.title, a.summary, hearth_plain_text(a.body_html),
    hearth_compounds(a.title || ' ' || a.summary || ' ' || a.body_markdown),
    hearth_facet('cat', a.category_slug) || ' ' || hearth_facet('aud', a.audience) || ' ' ||
    hearth_facet('tag', (SELECT group_concat(tag) FROM kb_article_tags WHERE article_id = a.id))
  FROM kb_articles a
  WHERE a.removed_at IS NULL ${articleFilter}`;

/**
 * Re-reads threads into the index, leaving out those not visible to everyone (held, hidden or
 * deleted). Call inside the write transaction that changed them. Many ids at once (an import) cost
 * two statements for the lot rather than two per thread.
 */
export function indexThreadsSqlite(threadIds: number[]) {
  ensureSqlFunctions();
  const deleteDocument = preparedStatement("DELETE FROM search_threads WHERE rowid = ?");
  const deleteBoost = preparedStatement("DELETE FROM search_thread_boosts WHERE thread_id = ?");
  for (const id of threadIds) {
    deleteDocument.run(id);
    deleteBoost.run(id);
  }
  const ids = JSON.stringify(threadIds);
  preparedStatement(threadDocumentSql(THREADS_OF_LIST)).run(ids);
  preparedStatement(threadBoostSql(THREADS_OF_LIST)).run(ids);
}

/** Re-reads one article into the index (or drops it when it was removed). */
export function indexArticleSqlite(articleId: number) {
  ensureSqlFunctions();
  preparedStatement("DELETE FROM search_articles WHERE rowid = ?").run(articleId);
  preparedStatement(articleDocumentSql("AND a.id = ?")).run(articleId);
}

/** What the index lacks: as `searchIndexGapsPostgres` (index-postgres.server.ts) finds it. */
function searchIndexGapsSqlite() {
  const gaps = preparedStatement(`
    SELECT EXISTS (SELECT 1 FROM search_index_tasks WHERE task = 'rebuild') AS rebuild,
      NOT EXISTS (SELECT 1 FROM search_threads) AND EXISTS (SELECT 1 FROM threads) AS threads,
      NOT EXISTS (SELECT 1 FROM search_articles) AND EXISTS (SELECT 1 FROM kb_articles WHERE removed_at IS NULL) AS articles`).get() as {
    rebuild: number;
    threads: number;
    articles: number;
  };
  return { rebuild: gaps.rebuild === 1, threads: gaps.threads === 1, articles: gaps.articles === 1 };
}

/**
 * Builds the index again when a migration asked for it, or a table of it from scratch when it is
 * empty but there is content for it (see `ensureSearchIndex`). Found again inside the write, which
 * holds SQLite's write lock: another process may have done it meanwhile. Returns how many threads
 * it indexed.
 */
export async function ensureSearchIndexSqlite() {
  const found = searchIndexGapsSqlite();
  if (!found.rebuild && !found.threads && !found.articles) return 0;
  return write(async () => {
    // On the write's connection, which may not have run an indexing statement yet.
    ensureSqlFunctions();
    if (searchIndexGapsSqlite().rebuild) {
      for (const table of ["search_threads", "search_thread_boosts", "search_articles", "search_index_tasks"]) {
        preparedStatement(`DELETE FROM ${table}`).run();
      }
    }
    const gaps = searchIndexGapsSqlite();
    if (gaps.articles) preparedStatement(articleDocumentSql("")).run();
    if (!gaps.threads) return 0;
    const { changes } = preparedStatement(threadDocumentSql("")).run();
    preparedStatement(threadBoostSql("")).run();
    preparedStatement("INSERT INTO search_threads (search_threads) VALUES ('optimize')").run();
    return changes;
  });
}

export function indexedThreadIdsSqlite(threadIds: number[]) {
  return preparedStatement("SELECT rowid AS id FROM search_threads WHERE rowid IN (SELECT value FROM json_each(?))")
    .all(JSON.stringify(threadIds))
    .map((row) => Number(row.id));
}
