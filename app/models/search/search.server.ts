/**
 * One search over questions and knowledge-base articles (SQLite FTS5, see db/migrations/0002_search.sql).
 *
 * Indexing (one document per thread and per article, kept in step by every write): index.server.ts.
 *
 * Ranking: bm25 with titles weighted above bodies, multiplied by a boost (verified > accepted >
 * unsolved; articles above threads). bm25 costs time per matching document, so for a word that
 * matches most of a large forum only the RANKED_MATCH_CAP most recent matches are ranked.
 *
 * Audience: staff-only articles are searched for staff only; customer-only articles are searched
 * in full for customers and by title and summary alone for everyone else, who get the teaser. Which
 * audiences go which way is the permission module's decision (`articleSearchAudiences`); this file
 * writes it in FTS5.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { AUDIENCES, categories, kbArticles, threads, users, type Audience } from "../../../db/schema";
import { preparedStatement, read } from "~/lib/db.server";
import {
  articleSearchAudiences,
  canReadArticle,
  canSeeArticleTeaser,
  publicThreadsCondition,
  type Actor,
} from "~/lib/permissions.server";
import { facetToken, parseSearchQuery, toMatchExpression, toSimilarityExpression } from "./fts-query.server";
import {
  MAX_SEARCH_PAGE,
  RANKED_MATCH_CAP,
  RESULTS_PER_PAGE,
  SIMILAR_LIMIT,
  searchQuerySchema,
  type ArticleHit,
  type SearchHit,
  type SearchQuery,
  type Segment,
  type ThreadHit,
} from "./rules";
import { VERIFIED_BOOST } from "./index.server";
import { tagsByThread } from "~/models/community/tags.server";

const HIT_START = "\u0002";
const HIT_END = "\u0003";
const THREAD_WEIGHTS = "10.0, 1.0, 1.0, 0.0";
const ARTICLE_WEIGHTS = "10.0, 4.0, 1.0, 1.0, 0.0";
const ARTICLE_BOOST = 1.8;
/** Splits FTS5 highlight output into text and hit segments: rendered by React, never as HTML. */
function segments(marked: string): Segment[] {
  const result: Segment[] = [];
  for (const [index, part] of marked.split(HIT_START).entries()) {
    if (index === 0) {
      if (part) result.push({ text: part, hit: false });
      continue;
    }
    const end = part.indexOf(HIT_END);
    const hitText = end === -1 ? part : part.slice(0, end);
    if (hitText) result.push({ text: hitText, hit: true });
    const rest = end === -1 ? "" : part.slice(end + 1);
    if (rest) result.push({ text: rest, hit: false });
  }
  return result;
}

type RankedRow = { id: number; score: number };

/**
 * The best `limit` matches of `match` in `table`, ranked among its RANKED_MATCH_CAP most recent
 * matches, and how many matches there are (`capped` when more than that). The inner query walks
 * the index from the newest document and stops at the cap, so bm25 runs at most that many times.
 */
function rank(table: "search_threads" | "search_articles", match: string, limit: number) {
  const weights = table === "search_threads" ? THREAD_WEIGHTS : ARTICLE_WEIGHTS;
  const boost =
    table === "search_threads"
      ? "coalesce((SELECT boost FROM search_thread_boosts WHERE thread_id = id), 1.0)"
      : String(ARTICLE_BOOST);
  const rows = preparedStatement(
    `SELECT id, relevance * ${boost} AS score FROM (
       SELECT rowid AS id, bm25(${table}, ${weights}) AS relevance FROM ${table}
       WHERE ${table} MATCH ? ORDER BY rowid DESC LIMIT ${RANKED_MATCH_CAP})
     ORDER BY score, id DESC LIMIT ?`,
  ).all(match, limit) as RankedRow[];
  const matches = preparedStatement(
    `SELECT count(*) AS n FROM (SELECT rowid FROM ${table} WHERE ${table} MATCH ? ORDER BY rowid DESC LIMIT ${RANKED_MATCH_CAP + 1})`,
  ).get(match)!.n as number;
  return { rows, total: Math.min(matches, RANKED_MATCH_CAP), capped: matches > RANKED_MATCH_CAP };
}

function facetClause(tokens: string[]) {
  return tokens.length > 0 ? ` AND facets : (${tokens.map((token) => `"${token}"`).join(" AND ")})` : "";
}

function threadMatch(expression: string, query: Pick<SearchQuery, "tag" | "category" | "solved">) {
  const facets: string[] = [];
  if (query.category) facets.push(facetToken("cat", query.category));
  if (query.tag) facets.push(facetToken("tag", query.tag));
  if (query.solved) facets.push(facetToken("is", "solved"));
  return `(${expression})${facetClause(facets)}`;
}

/**
 * FTS5 for "an article of one of these audiences": the audience facets OR-ed, or nothing when every
 * audience is allowed. Which audiences is the permission module's decision (`articleSearchAudiences`).
 */
function audienceClause(audiences: Audience[]) {
  if (audiences.length === AUDIENCES.length) return "";
  const tokens = audiences.map((audience) => `"${facetToken("aud", audience)}"`);
  return ` AND facets : ${tokens.length === 1 ? tokens[0] : `(${tokens.join(" OR ")})`}`;
}

/**
 * The article query for this actor: everything they may read, searched in full, plus the articles
 * they may only know exist (customer-only ones, for visitors and members), by title and summary only.
 */
function articleMatch(actor: Actor, expression: string, query: Pick<SearchQuery, "tag" | "category">) {
  const facets: string[] = [];
  if (query.category) facets.push(facetToken("cat", query.category));
  if (query.tag) facets.push(facetToken("tag", query.tag));
  const filters = facetClause(facets);
  const { inFull, byTitleOnly } = articleSearchAudiences(actor);
  const full = `{title summary body aliases} : (${expression})${filters}${audienceClause(inFull)}`;
  if (byTitleOnly.length === 0) return full;
  return `(${full}) OR ({title summary} : (${expression})${filters}${audienceClause(byTitleOnly)})`;
}

// Snippets for a page of already-authorized hits come from one query with `rowid IN (json_each(?))`
// and only the user's words (filters and audience were applied when ranking): a statement per
// row is ~40x slower (FTS5 re-walks the doclist each time), and SQLite 3.53 ignores a bound
// `rowid = ?` next to MATCH altogether. The search tests check each hit gets its own snippet.
async function threadHits(expression: string, ids: number[]): Promise<Map<number, ThreadHit>> {
  if (ids.length === 0) return new Map();
  const rows = await read((db) =>
    db
      .select({
        id: threads.id,
        slug: threads.slug,
        status: threads.status,
        answerCount: threads.answerCount,
        categoryName: categories.name,
      })
      .from(threads)
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .where(inArray(threads.id, ids)),
  );
  const tags = await tagsByThread(ids);
  const texts = new Map(
    preparedStatement(
      `SELECT rowid AS id, highlight(search_threads, 0, ?, ?) AS title,
              snippet(search_threads, 1, ?, ?, '…', 28) AS snippet,
              (SELECT boost FROM search_thread_boosts WHERE thread_id = search_threads.rowid) AS boost
       FROM search_threads WHERE search_threads MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
    )
      .all(HIT_START, HIT_END, HIT_START, HIT_END, expression, JSON.stringify(ids))
      .map((text) => [Number(text.id), text]),
  );
  const hits = new Map<number, ThreadHit>();
  for (const row of rows) {
    const text = texts.get(row.id);
    if (!text) continue;
    hits.set(row.id, {
      type: "question",
      id: row.id,
      url: `/questions/${row.id}/${row.slug}`,
      title: segments(String(text.title)),
      snippet: segments(String(text.snippet)),
      tags: tags.get(row.id) ?? [],
      status: row.status,
      verified: Number(text.boost) >= VERIFIED_BOOST,
      answerCount: row.answerCount,
      categoryName: row.categoryName,
    });
  }
  return hits;
}

async function articleHits(actor: Actor, expression: string, ids: number[]): Promise<Map<number, ArticleHit>> {
  if (ids.length === 0) return new Map();
  const rows = await read((db) =>
    db
      .select({
        id: kbArticles.id,
        slug: kbArticles.slug,
        audience: kbArticles.audience,
        categoryName: kbArticles.categoryName,
      })
      .from(kbArticles)
      .where(inArray(kbArticles.id, ids)),
  );
  const texts = new Map(
    preparedStatement(
      `SELECT rowid AS id, highlight(search_articles, 0, ?, ?) AS title,
              snippet(search_articles, 1, ?, ?, '…', 28) AS summary,
              snippet(search_articles, 2, ?, ?, '…', 28) AS body,
              (SELECT group_concat(tag, ',') FROM kb_article_tags WHERE article_id = search_articles.rowid) AS tags
       FROM search_articles WHERE search_articles MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
    )
      .all(
        HIT_START,
        HIT_END,
        HIT_START,
        HIT_END,
        HIT_START,
        HIT_END,
        `{title summary body aliases} : (${expression})`,
        JSON.stringify(ids),
      )
      .map((text) => [Number(text.id), text]),
  );
  const hits = new Map<number, ArticleHit>();
  for (const row of rows) {
    // Defence in depth: the match expression already leaves out what this actor may not see.
    if (!canSeeArticleTeaser(actor, row)) continue;
    const text = texts.get(row.id);
    if (!text) continue;
    const teaser = !canReadArticle(actor, row);
    hits.set(row.id, {
      type: "article",
      id: row.id,
      url: `/kb/${row.slug}`,
      title: segments(String(text.title)),
      snippet: segments(String(teaser ? text.summary : text.body)),
      tags: text.tags ? String(text.tags).split(",") : [],
      teaser,
      audience: row.audience,
      categoryName: row.categoryName,
    });
  }
  return hits;
}

export type SearchResults = {
  query: SearchQuery;
  error: string | null;
  hits: SearchHit[];
  total: number;
  /** True when there are more matches than were ranked ("2,000+ results"). */
  capped: boolean;
  hasNextPage: boolean;
};

/** The /search page: ranked, filtered, paginated hits for what the actor may see. */
export async function searchSite(actor: Actor, input: unknown): Promise<SearchResults> {
  const parsed = searchQuerySchema.safeParse(input);
  if (!parsed.success) {
    const query = searchQuerySchema.parse({});
    return { query, error: parsed.error.issues[0].message, hits: [], total: 0, capped: false, hasNextPage: false };
  }
  const query = parsed.data;
  const expression = toMatchExpression(parseSearchQuery(query.q));
  const empty = { query, error: null, hits: [], total: 0, capped: false, hasNextPage: false };
  if (!expression) return empty;

  // Enough of each kind to fill this page after merging both rankings by score.
  const wanted = query.page * RESULTS_PER_PAGE + 1;
  const threadMatchExpression = threadMatch(expression, query);
  const articleMatchExpression = articleMatch(actor, expression, query);
  const threadRanking = query.type === "articles" ? null : rank("search_threads", threadMatchExpression, wanted);
  const articleRanking = query.type === "questions" ? null : rank("search_articles", articleMatchExpression, wanted);
  const merged = [
    ...(threadRanking?.rows ?? []).map((row) => ({ ...row, type: "question" as const })),
    ...(articleRanking?.rows ?? []).map((row) => ({ ...row, type: "article" as const })),
  ].sort((a, b) => a.score - b.score || b.id - a.id);
  const start = (query.page - 1) * RESULTS_PER_PAGE;
  const pageRows = merged.slice(start, start + RESULTS_PER_PAGE);
  const threadMap = await threadHits(
    expression,
    pageRows.filter((row) => row.type === "question").map((row) => row.id),
  );
  const articleMap = await articleHits(
    actor,
    expression,
    pageRows.filter((row) => row.type === "article").map((row) => row.id),
  );
  const hits = pageRows
    .map((row) => (row.type === "question" ? threadMap.get(row.id) : articleMap.get(row.id)))
    .filter((hit): hit is SearchHit => hit !== undefined);
  const total = (threadRanking?.total ?? 0) + (articleRanking?.total ?? 0);
  return {
    query,
    error: null,
    hits,
    total,
    capped: Boolean(threadRanking?.capped || articleRanking?.capped),
    hasNextPage: merged.length > start + RESULTS_PER_PAGE && query.page < MAX_SEARCH_PAGE,
  };
}

/** Solved threads and readable articles that look like the question being typed (best first). */
export async function findSimilar(actor: Actor, title: string): Promise<SearchHit[]> {
  const expression = toSimilarityExpression(title.slice(0, 300));
  if (!expression) return [];
  const threadMatchExpression = threadMatch(expression, { solved: true });
  // Suggestions are for reading now: only articles this actor can open.
  const articleMatchExpression = `{title summary body aliases} : (${expression})${audienceClause(articleSearchAudiences(actor).inFull)}`;
  const merged = [
    ...rank("search_threads", threadMatchExpression, SIMILAR_LIMIT).rows.map((row) => ({
      ...row,
      type: "question" as const,
    })),
    ...rank("search_articles", articleMatchExpression, SIMILAR_LIMIT).rows.map((row) => ({
      ...row,
      type: "article" as const,
    })),
  ]
    .sort((a, b) => a.score - b.score || b.id - a.id)
    .slice(0, SIMILAR_LIMIT);
  const threadMap = await threadHits(
    expression,
    merged.filter((row) => row.type === "question").map((row) => row.id),
  );
  const articleMap = await articleHits(
    actor,
    expression,
    merged.filter((row) => row.type === "article").map((row) => row.id),
  );
  return merged
    .map((row) => (row.type === "question" ? threadMap.get(row.id) : articleMap.get(row.id)))
    .filter((hit): hit is SearchHit => hit !== undefined);
}

/** What /search shows before anything is typed: the most useful solved threads. */
export async function popularSolvedThreads(limit = 10) {
  return await read((db) =>
    db
      .select({
        id: threads.id,
        title: threads.title,
        slug: threads.slug,
        answerCount: threads.answerCount,
        author: users.username,
      })
      .from(threads)
      .innerJoin(users, eq(users.id, threads.authorId))
      .where(and(eq(threads.status, "solved"), publicThreadsCondition()))
      .orderBy(desc(threads.score), desc(threads.createdAt))
      .limit(limit),
  );
}
