/**
 * The search index on PostgreSQL (db/migrations-pg/0003_search.sql): the documents of
 * documents.server.ts, read from the tables and computed here (PostgreSQL cannot call the JS
 * functions SQLite's index registers), then upserted with their tsvectors in the same write.
 */
import { sql, type SQL } from "drizzle-orm";
import { plainText } from "~/lib/markdown.server";
import { publicPostStatesCondition, publicThreadsCondition } from "~/lib/permissions.server";
import { facetToken } from "./query.server";
import { facetTokens, hyphenatedCompounds, threadBoost } from "./documents.server";
import { tsText } from "./tsquery.server";
import type { PgRun } from "./engine-postgres.server";

/** Threads (and articles) read and written per statement when many are indexed at once. */
const BATCH = 500;
// PostgreSQL text cannot hold NUL; forms keep control characters out, this keeps the index safe anyway.
const clean = (text: string) => text.replaceAll("\u0000", "");
const idArray = (ids: number[]) => sql`${sql.param(ids)}::int[]`;

async function threadDocuments(run: PgRun, ids: number[]) {
  // The index holds what everyone may see: the permission module's public twins decide.
  const threads = await run(sql`
    SELECT threads.id, threads.title, c.slug AS category,
      (SELECT string_agg(g.name, ',') FROM thread_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.thread_id = threads.id) AS tags,
      EXISTS (SELECT 1 FROM solutions s WHERE s.thread_id = threads.id) AS solved,
      EXISTS (SELECT 1 FROM solutions s WHERE s.thread_id = threads.id AND s.kind = 'verified') AS verified,
      threads.duplicate_of_id IS NOT NULL AS duplicate
    FROM threads JOIN categories c ON c.id = threads.category_id
    WHERE ${publicThreadsCondition()} AND threads.id = ANY(${idArray(ids)})`);
  if (threads.length === 0) return [];
  const posts = await run(sql`
    SELECT posts.thread_id, posts.body_html FROM posts
    WHERE posts.thread_id = ANY(${idArray(threads.map((thread) => Number(thread.id)))})
      AND ${publicPostStatesCondition()}
      AND (posts.kind = 'question' OR posts.id IN (SELECT post_id FROM solutions s WHERE s.thread_id = posts.thread_id))
    ORDER BY posts.thread_id, posts.kind DESC, posts.id`);
  const bodies = new Map<number, string[]>();
  for (const post of posts) {
    const list = bodies.get(Number(post.thread_id)) ?? [];
    list.push(plainText(String(post.body_html ?? "")));
    bodies.set(Number(post.thread_id), list);
  }
  return threads.map((thread) => {
    const title = clean(String(thread.title));
    const body = clean((bodies.get(Number(thread.id)) ?? []).join("\n"));
    const solved = Boolean(thread.solved);
    return {
      id: Number(thread.id),
      title,
      body,
      facets: [
        ...facetTokens("cat", thread.category),
        ...facetTokens("tag", thread.tags),
        ...(solved ? [facetToken("is", "solved")] : []),
      ],
      boost: threadBoost({ duplicate: Boolean(thread.duplicate), verified: Boolean(thread.verified), solved }),
      title_words: tsText(title),
      aliases: hyphenatedCompounds(`${title} ${body}`),
      body_words: tsText(body),
    };
  });
}

const weighted = (words: string, weight: "A" | "B" | "C" | "D") =>
  sql.raw(`setweight(to_tsvector('hearth', d.${words}), '${weight}')`);

/** Drops the documents of those `ids` that have none now (no longer public, or removed). */
function dropOthers(
  run: PgRun,
  table: "search_threads" | "search_articles",
  ids: number[],
  documents: { id: number }[],
) {
  const present = new Set(documents.map((document) => document.id));
  const column = sql.identifier(table === "search_threads" ? "thread_id" : "article_id");
  return run(
    sql`DELETE FROM ${sql.identifier(table)} WHERE ${column} = ANY(${idArray(ids.filter((id) => !present.has(id)))})`,
  );
}

/** Writes the documents of `ids` (public threads) and drops those of the others. */
async function indexThreadIds(run: PgRun, ids: number[]) {
  const documents = await threadDocuments(run, ids);
  await dropOthers(run, "search_threads", ids, documents);
  if (documents.length === 0) return 0;
  await run(sql`
    INSERT INTO search_threads (thread_id, title, body, facets, boost, tsv)
    SELECT d.id, d.title, d.body, d.facets, d.boost,
      ${weighted("title_words", "A")} || ${weighted("aliases", "C")} || ${weighted("body_words", "D")}
    FROM jsonb_to_recordset(${JSON.stringify(documents)}::jsonb)
      AS d(id int, title text, body text, facets text[], boost real, title_words text, aliases text, body_words text)
    ON CONFLICT (thread_id) DO UPDATE SET title = excluded.title, body = excluded.body, facets = excluded.facets,
      boost = excluded.boost, tsv = excluded.tsv`);
  return documents.length;
}

async function articleDocuments(run: PgRun, ids: number[]) {
  const articles = await run(sql`
    SELECT a.id, a.title, a.summary, a.body_html, a.body_markdown, a.category_slug, a.audience,
      (SELECT string_agg(tag, ',') FROM kb_article_tags WHERE article_id = a.id) AS tags
    FROM kb_articles a WHERE a.removed_at IS NULL AND a.id = ANY(${idArray(ids)})`);
  return articles.map((article) => {
    const [title, summary, body] = [article.title, article.summary, plainText(String(article.body_html ?? ""))].map(
      (text) => clean(String(text ?? "")),
    );
    return {
      id: Number(article.id),
      title,
      summary,
      body,
      facets: [
        ...facetTokens("cat", article.category_slug),
        ...facetTokens("aud", article.audience),
        ...facetTokens("tag", article.tags),
      ],
      title_words: tsText(title),
      summary_words: tsText(summary),
      aliases: hyphenatedCompounds(`${title} ${summary} ${String(article.body_markdown ?? "")}`),
      body_words: tsText(body),
    };
  });
}

async function indexArticleIds(run: PgRun, ids: number[]) {
  const documents = await articleDocuments(run, ids);
  await dropOthers(run, "search_articles", ids, documents);
  if (documents.length === 0) return 0;
  await run(sql`
    INSERT INTO search_articles (article_id, title, summary, body, facets, tsv, tsv_teaser)
    SELECT d.id, d.title, d.summary, d.body, d.facets,
      ${weighted("title_words", "A")} || ${weighted("summary_words", "B")} || ${weighted("aliases", "C")} || ${weighted("body_words", "D")},
      ${weighted("title_words", "A")} || ${weighted("summary_words", "B")}
    FROM jsonb_to_recordset(${JSON.stringify(documents)}::jsonb)
      AS d(id int, title text, summary text, body text, facets text[], title_words text, summary_words text, aliases text, body_words text)
    ON CONFLICT (article_id) DO UPDATE SET title = excluded.title, summary = excluded.summary, body = excluded.body,
      facets = excluded.facets, tsv = excluded.tsv, tsv_teaser = excluded.tsv_teaser`);
  return documents.length;
}

/** Re-reads threads into the index, leaving out those not visible to everyone; BATCH per statement. */
export async function indexThreadsPostgres(run: PgRun, threadIds: number[]) {
  for (let start = 0; start < threadIds.length; start += BATCH) {
    await indexThreadIds(run, threadIds.slice(start, start + BATCH));
  }
}

/** Re-reads one article into the index (or drops it when it was removed). */
export async function indexArticlePostgres(run: PgRun, articleId: number) {
  await indexArticleIds(run, [articleId]);
}

async function rebuild(run: PgRun, table: SQL, index: (run: PgRun, ids: number[]) => Promise<number>) {
  let indexed = 0;
  for (let after = 0; ;) {
    const ids = (await run(sql`SELECT id FROM ${table} WHERE id > ${after} ORDER BY id LIMIT ${BATCH}`)).map((row) =>
      Number(row.id),
    );
    if (ids.length === 0) return indexed;
    indexed += await index(run, ids);
    after = ids.at(-1)!;
  }
}

/**
 * What the index lacks: both tables when a migration asked for a rebuild (a row in
 * `search_index_tasks`); otherwise threads when it has none but there are threads, articles likewise.
 */
export async function searchIndexGapsPostgres(run: PgRun) {
  const [state] = await run(sql`
    SELECT EXISTS (SELECT 1 FROM search_index_tasks WHERE task = 'rebuild') AS rebuild,
      NOT EXISTS (SELECT 1 FROM search_threads) AND EXISTS (SELECT 1 FROM threads) AS threads,
      NOT EXISTS (SELECT 1 FROM search_articles) AND EXISTS (SELECT 1 FROM kb_articles) AS articles`);
  return { rebuild: Boolean(state.rebuild), threads: Boolean(state.threads), articles: Boolean(state.articles) };
}

/**
 * Fills what `searchIndexGapsPostgres` finds, inside a write, and gathers the statistics of the
 * tables it filled: until autovacuum came by, the planner took a common word for a rare one and
 * ranked all its matches (21 ms against 5 for "the" at 10k threads). A rebuild clears both tables
 * first, with DELETE: searches go on reading the old documents until the write commits. Found
 * again here, in the write: of several processes starting together, the first takes the task's row
 * and the others, once it committed, find nothing left to do. Returns how many threads it indexed.
 */
export async function rebuildSearchIndexPostgres(run: PgRun) {
  if ((await run(sql`DELETE FROM search_index_tasks WHERE task = 'rebuild' RETURNING task`)).length > 0) {
    await run(sql`DELETE FROM search_threads`);
    await run(sql`DELETE FROM search_articles`);
  }
  const gaps = await searchIndexGapsPostgres(run);
  if (gaps.articles) {
    await rebuild(run, sql`kb_articles`, indexArticleIds);
    await run(sql`ANALYZE search_articles`);
  }
  if (!gaps.threads) return 0;
  const indexed = await rebuild(run, sql`threads`, indexThreadIds);
  await run(sql`ANALYZE search_threads`);
  return indexed;
}
