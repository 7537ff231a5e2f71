/**
 * Search on SQLite: FTS5 tables (db/migrations/0002_search.sql) ranked with bm25, titles weighted
 * above bodies, times a boost. Filters and audiences are facet tokens inside the MATCH expression,
 * so they narrow the match within the index.
 */
import { AUDIENCES } from "../../../db/schema";
import { hasRankExtension, preparedStatement } from "~/lib/db.server";
import { toAnyWordExpression, toMatchExpression } from "./fts-query.server";
import type { TextQuery } from "./query.server";
import {
  ARTICLE_BOOST,
  HIT_END,
  HIT_START,
  SNIPPET_WORDS,
  articleFacets,
  audienceFacets,
  threadFacets,
  type ArticleScope,
  type ArticleText,
  type Ranking,
  type RankedRow,
  type SearchEngine,
  type ThreadScope,
  type ThreadText,
} from "./engine.server";
import { RANKED_MATCH_CAP } from "./rules";

const THREAD_WEIGHTS = "10.0, 1.0, 1.0, 0.0";
const ARTICLE_WEIGHTS = "10.0, 4.0, 1.0, 1.0, 0.0";
const ALL_ARTICLE_COLUMNS = "{title summary body aliases}";

const expressionOf = (text: TextQuery) =>
  text.kind === "all"
    ? toMatchExpression(text.query, { prefixLast: text.prefixLast })
    : toAnyWordExpression(text.words);

/**
 * The phrases of an expression built here, in FTS5's order (as they appear), each as typed with a
 * prefix phrase's "*": hearth_bm25's keys for their document counts. Every term is a quoted string
 * (fts-query.server.ts), so the quotes find them all; were one missed, the count of keys would not
 * be FTS5's count of phrases and hearth_bm25 would count every phrase itself, as bm25 does.
 */
export const phraseKeys = (expression: string) =>
  [...expression.matchAll(/"([^"]*)"(\*?)/g)].map(([, phrase, star]) => phrase + star).join("\u001f");

/**
 * The best `limit` matches of `match` in `table`, ranked among its RANKED_MATCH_CAP most recent
 * matches, and how many matches there are (`capped` when more than that). The inner query walks
 * the index from the newest document and stops one past the cap, so bm25 runs at most that many
 * times; the (cap + 1)th match is only counted, in the same walk (a second count walked the
 * matches again: DECISIONS.md #83).
 */
function rank(table: "search_threads" | "search_articles", match: string, limit: number): Ranking {
  const weights = table === "search_threads" ? THREAD_WEIGHTS : ARTICLE_WEIGHTS;
  // Threads: bm25 with the phrases' document counts remembered between statements (DECISIONS.md
  // #86). Articles keep bm25: their expression holds a phrase under two column filters, which the
  // phrase's text alone cannot tell apart, and they are few.
  const reusesCounts = table === "search_threads" && hasRankExtension();
  const relevance = reusesCounts ? `hearth_bm25(${table}, '${table}', ?, ${weights})` : `bm25(${table}, ${weights})`;
  const boost =
    table === "search_threads"
      ? "coalesce((SELECT boost FROM search_thread_boosts WHERE thread_id = id), 1.0)"
      : String(ARTICLE_BOOST);
  const rows = preparedStatement(
    `SELECT id, score, matches FROM (
       SELECT id, relevance * ${boost} AS score, count(*) OVER () AS matches, min(id) OVER () AS oldest FROM (
         SELECT rowid AS id, ${relevance} AS relevance FROM ${table}
         WHERE ${table} MATCH ? ORDER BY rowid DESC LIMIT ${RANKED_MATCH_CAP + 1}))
     WHERE matches <= ${RANKED_MATCH_CAP} OR id <> oldest
     ORDER BY score, id DESC LIMIT ?`,
  ).all(...(reusesCounts ? [phraseKeys(match)] : []), match, limit) as (RankedRow & { matches: number })[];
  const matches = rows[0]?.matches ?? 0;
  return {
    rows: rows.map(({ id, score }) => ({ id, score })),
    total: Math.min(matches, RANKED_MATCH_CAP),
    capped: matches > RANKED_MATCH_CAP,
  };
}

const EMPTY: Ranking = { rows: [], total: 0, capped: false };

function facetClause(tokens: string[]) {
  return tokens.length > 0 ? ` AND facets : (${tokens.map((token) => `"${token}"`).join(" AND ")})` : "";
}

/** FTS5 for "an article of one of these audiences", or nothing when every audience is allowed. */
function audienceClause(audiences: ArticleScope["inFull"]) {
  const tokens = audienceFacets(audiences, AUDIENCES)?.map((token) => `"${token}"`);
  if (!tokens) return "";
  return ` AND facets : ${tokens.length === 1 ? tokens[0] : `(${tokens.join(" OR ")})`}`;
}

function threadMatch(expression: string, scope: ThreadScope) {
  return `(${expression})${facetClause(threadFacets(scope))}`;
}

/**
 * The article query: the audiences read in full, searched in every field, plus the ones the actor
 * may only know exist (customer-only ones, for visitors and members), by title and summary only.
 */
function articleMatch(expression: string, scope: ArticleScope) {
  const filters = facetClause(articleFacets(scope));
  const full = `${ALL_ARTICLE_COLUMNS} : (${expression})${filters}${audienceClause(scope.inFull)}`;
  if (scope.byTitleOnly.length === 0) return full;
  return `(${full}) OR ({title summary} : (${expression})${filters}${audienceClause(scope.byTitleOnly)})`;
}

// Snippets for a page of already-authorized hits come from one query and only the user's words
// (filters and audience were applied when ranking): a statement per row is ~40x slower (FTS5
// re-walks the doclist each time), and SQLite 3.53 ignores a bound `rowid = ?` next to MATCH
// altogether. The search tests check each hit gets its own snippet.
// The page's ids are among the newest matches, so the matches are walked newest first and the walk
// stops at the last of them; `+` keeps `IN` a plain test of each match: as an index constraint,
// FTS5 seeks each id anew, 2.7 ms for a page of "the" at a million posts against 0.7 (DECISIONS.md #83).
const PAGE_OF_IDS = `+rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid DESC LIMIT ?`;

function threadTexts(expression: string, ids: number[]) {
  const rows = preparedStatement(
    `SELECT rowid AS id, highlight(search_threads, 0, ?, ?) AS title,
            snippet(search_threads, 1, ?, ?, '…', ${SNIPPET_WORDS}) AS snippet,
            (SELECT boost FROM search_thread_boosts WHERE thread_id = search_threads.rowid) AS boost
     FROM search_threads WHERE search_threads MATCH ? AND ${PAGE_OF_IDS}`,
  ).all(HIT_START, HIT_END, HIT_START, HIT_END, expression, JSON.stringify(ids), ids.length);
  return new Map<number, ThreadText>(
    rows.map((row) => [
      Number(row.id),
      { title: String(row.title), snippet: String(row.snippet), boost: Number(row.boost) },
    ]),
  );
}

function articleTexts(expression: string, ids: number[]) {
  const rows = preparedStatement(
    `SELECT rowid AS id, highlight(search_articles, 0, ?, ?) AS title,
            snippet(search_articles, 1, ?, ?, '…', ${SNIPPET_WORDS}) AS summary,
            snippet(search_articles, 2, ?, ?, '…', ${SNIPPET_WORDS}) AS body,
            (SELECT group_concat(tag, ',') FROM kb_article_tags WHERE article_id = search_articles.rowid) AS tags
     FROM search_articles WHERE search_articles MATCH ? AND ${PAGE_OF_IDS}`,
  ).all(
    HIT_START,
    HIT_END,
    HIT_START,
    HIT_END,
    HIT_START,
    HIT_END,
    `${ALL_ARTICLE_COLUMNS} : (${expression})`,
    JSON.stringify(ids),
    ids.length,
  );
  return new Map<number, ArticleText>(
    rows.map((row) => [
      Number(row.id),
      {
        title: String(row.title),
        summary: String(row.summary),
        body: String(row.body),
        tags: row.tags ? String(row.tags).split(",") : [],
      },
    ]),
  );
}

export const sqliteSearch: SearchEngine = {
  async rankThreads(text, scope, limit) {
    const expression = expressionOf(text);
    return expression ? rank("search_threads", threadMatch(expression, scope), limit) : EMPTY;
  },
  async rankArticles(text, scope, limit) {
    const expression = expressionOf(text);
    return expression ? rank("search_articles", articleMatch(expression, scope), limit) : EMPTY;
  },
  async threadTexts(text, ids) {
    const expression = expressionOf(text);
    return expression && ids.length > 0 ? threadTexts(expression, ids) : new Map();
  },
  async articleTexts(text, ids) {
    const expression = expressionOf(text);
    return expression && ids.length > 0 ? articleTexts(expression, ids) : new Map();
  },
};
