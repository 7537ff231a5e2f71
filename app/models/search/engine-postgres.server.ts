/**
 * Search on PostgreSQL: the tables of db/migrations-pg/0003_search.sql, matched with a tsquery built
 * from quoted lexemes (tsquery.server.ts) and ranked with ts_rank (title weight 1.0, summary 0.4,
 * aliases and body 0.1: FTS5's 10:4:1:1) times a boost. Filters and audiences are facet tokens in
 * an array, tested with @> and && beside the text match. See DECISIONS "PostgreSQL search" for
 * where it differs from SQLite, and #69 for what a search request costs. Titles and snippets:
 * snippets-postgres.server.ts.
 */
import { sql, type SQL } from "drizzle-orm";
import { AUDIENCES } from "../../../db/schema";
import { inWrite, rawRows, read } from "~/lib/db.server";
import { toAnyWordTsQuery, toTsQuery } from "./tsquery.server";
import type { TextQuery } from "./query.server";
import {
  ARTICLE_BOOST,
  articleFacets,
  audienceFacets,
  threadFacets,
  type Ranking,
  type SearchEngine,
} from "./engine.server";
import { RANKED_MATCH_CAP } from "./rules";
import { postgresTextsOn } from "./snippets-postgres.server";

export type PgRows = Record<string, unknown>[];
/**
 * Runs one statement and returns its rows: on a read connection, or on the open write's.
 * `keepPrepared` for statements of one fixed text (see `rawRows`).
 */
export type PgRun = (query: SQL, options?: Parameters<typeof rawRows>[2]) => Promise<PgRows>;

export const pgRead: PgRun = (query, options) => read((db) => rawRows<PgRows[number]>(db, query, options));
export const pgWrite: PgRun = (query, options) => inWrite((db) => rawRows<PgRows[number]>(db, query, options));

/** D (body), C (aliases), B (summary), A (title). */
const WEIGHTS = "{0.1, 0.1, 0.4, 1.0}";
/**
 * ts_rank normalization 32 (rank / (rank + 1)): repeats of a word count less and less, as in bm25.
 * Of ts_rank and ts_rank_cd with normalizations 0, 1, 2, 8, 16, 32, this shared most of bm25's top
 * ten on the test corpus (engines.test.ts: mean 0.69; ts_rank_cd with 1: 0.60; with 2: 0.33).
 */
const NORMALIZATION = 32;

const tsQueryOf = (text: TextQuery) =>
  text.kind === "all" ? toTsQuery(text.query, { prefixLast: text.prefixLast }) : toAnyWordTsQuery(text.words);

const tsQuery = (text: string) => sql`to_tsquery('hearth', ${text})`;
const textArray = (values: string[]) => sql`${sql.param(values)}::text[]`;
const EMPTY: Ranking = { rows: [], total: 0, capped: false };

/** Holds every one of `tokens` (or always true when there are none). */
const hasFacets = (tokens: string[]) => (tokens.length > 0 ? sql`facets @> ${textArray(tokens)}` : sql`TRUE`);
/** Holds one of `tokens`; null means every audience. */
const hasAnyFacet = (tokens: string[] | null) => (tokens ? sql`facets && ${textArray(tokens)}` : sql`TRUE`);

/** The newest ids searched first, for matches the planner expects in WALK_DENSITY or more; see `rankingOn`. */
const NEWEST_WINDOW = 100_000;
/**
 * From this share of the documents on, walking the primary key from the newest finds the cap's
 * matches soonest (about cap / share rows, each tested). Below it, a window of newest ids sized to
 * hold the cap is read through both indexes instead: on the 1M-post bench community, six typed
 * words in 7 % of the threads took 31 ms walked (28,000 rows tested) and 16 ms from a window of
 * 38,600 ids; three words in 15 % cost the same either way (the GIN index alone took 9 ms).
 */
const WALK_DENSITY = 0.1;
/** A sparse query's window holds this many times the cap by the planner's estimate (off by a third at times). */
const WINDOW_MARGIN = 1.5;
/**
 * How long a table's highest id is reused. It only says where `rankingOn` splits its search, so
 * an old one costs time, never results (ids above it are in the first slice), and reading it on
 * every search was a round trip of its own.
 */
const NEWEST_ID_MAX_AGE_MS = 30_000;

export type SearchTable = "search_threads" | "search_articles";
const idColumn = (table: SearchTable) => sql.identifier(table === "search_threads" ? "thread_id" : "article_id");

/** Each table's highest id, read at most every NEWEST_ID_MAX_AGE_MS; null while the table is empty (not kept). */
function newestIdsOn(run: PgRun) {
  const known = new Map<SearchTable, { newest: number; readAt: number }>();
  return async (table: SearchTable): Promise<number | null> => {
    const kept = known.get(table);
    if (kept && performance.now() - kept.readAt < NEWEST_ID_MAX_AGE_MS) return kept.newest;
    const [{ newest }] = await run(sql`SELECT max(${idColumn(table)}) AS newest FROM ${sql.identifier(table)}`);
    if (newest === null) return null;
    known.set(table, { newest: Number(newest), readAt: performance.now() });
    return Number(newest);
  };
}

/**
 * The planner's estimate of the share of `table`'s ids that match (its statistics of the tsvector's
 * lexemes): one EXPLAIN, planned but not run, about 0.3 ms.
 */
async function estimatedDensity(run: PgRun, table: SearchTable, match: SQL, newest: number) {
  const [row] = await run(sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${sql.identifier(table)} WHERE ${match}`);
  const explained = row["QUERY PLAN"];
  const plan = (typeof explained === "string" ? JSON.parse(explained) : explained) as {
    Plan: { "Plan Rows": number };
  }[];
  return plan[0].Plan["Plan Rows"] / newest;
}

/**
 * `closer`: what a title close to the sentence typed adds (similar questions), computed on the
 * RERANKED best by `relevance` alone, over their row as `t`: pg_trgm's similarity costs about 10 µs a
 * row, 20 ms over the 2,000 matches a few common words find, and a close title holds the words
 * typed, so its row ranks high on them already.
 */
type Rank = (table: SearchTable, match: SQL, relevance: SQL, limit: number, closer?: SQL) => Promise<Ranking>;

const RERANKED = 100;

/**
 * Ranking on `run`: the best `limit` of the RANKED_MATCH_CAP newest matches, and how many matches
 * there are (up to the cap + 1). Ranking every match of a common word costs seconds at 200k
 * documents, so matches are taken newest first, as on SQLite; but a GIN index yields matches in no
 * order, so for a word in 1-5% of a million documents PostgreSQL either fetched all its matches to
 * sort them or walked the primary key through 100,000 rows (115 ms). So: first the matches among
 * the newest ids (NEWEST_WINDOW of them; for a query the planner expects in fewer than WALK_DENSITY
 * of the documents, as many as should hold the cap, read as a bitmap AND of the GIN and primary-key
 * indexes), and only when they are fewer than the cap, the rest below that window, for as many as
 * are missing (the planner picks the walk or the bitmap knowing how few it needs). Relevance is
 * computed on the rows fetched, no more, and only the best come back.
 */
function rankingOn(run: PgRun): Rank {
  const newestIds = newestIdsOn(run);
  return async (table, match, relevance, limit, closer) => {
    const id = idColumn(table);
    // The best `limit` of a slice's matches (`found`, `counted`): by relevance, or by relevance
    // and closeness over the RERANKED best by relevance.
    const best = (fetch: number) =>
      closer
        ? sql`(SELECT r.id, r.relevance + ${closer}, NULL FROM
            (SELECT id, relevance FROM found, counted WHERE matches < ${fetch} OR id <> oldest
              ORDER BY relevance DESC, id DESC LIMIT ${RERANKED}) r
            JOIN ${sql.identifier(table)} t ON t.${id} = r.id
            ORDER BY 2 DESC, r.id DESC LIMIT ${limit})`
        : sql`(SELECT id, relevance, NULL FROM found, counted WHERE matches < ${fetch} OR id <> oldest
            ORDER BY relevance DESC, id DESC LIMIT ${limit})`;
    const slice = async (range: SQL, before: number, { walk = true } = {}) => {
      // The best `limit` of this slice's matches, after `before` newer ones: ranked on the server,
      // so a common word sends 21 rows, not 2,001. Its (cap + 1)th match overall is only counted.
      // `walk: false` orders by an expression the primary key does not hold, so the planner reads
      // the slice's matches through the indexes instead of walking it row by row.
      const fetch = RANKED_MATCH_CAP + 1 - before;
      const order = walk ? sql`${id}` : sql`${id} + 0`;
      const rows = await run(sql`
        WITH found AS MATERIALIZED (
          SELECT ${id} AS id, ${relevance} AS relevance FROM ${sql.identifier(table)}
          WHERE ${match} AND ${range} ORDER BY ${order} DESC LIMIT ${fetch}),
        counted AS (SELECT count(*) AS matches, min(id) AS oldest FROM found)
        SELECT NULL::int AS id, NULL::real AS relevance, matches FROM counted
        UNION ALL
        ${best(fetch)}`);
      return {
        matches: Number(rows.find((row) => row.id === null)?.matches ?? 0),
        best: rows
          .filter((row) => row.id !== null)
          .map((row) => ({ id: Number(row.id), score: -Number(row.relevance) })),
      };
    };
    const newest = await newestIds(table);
    if (newest === null) return EMPTY;
    // A table of up to a tenth of NEWEST_WINDOW ids is searched whole and needs no estimate.
    const density = newest > NEWEST_WINDOW / 10 ? await estimatedDensity(run, table, match, newest) : 1;
    const sparse = density < WALK_DENSITY;
    const window = sparse
      ? Math.ceil((WINDOW_MARGIN * (RANKED_MATCH_CAP + 1)) / Math.max(density, 1e-6))
      : NEWEST_WINDOW;
    // With less than a tenth of a window below it, a second statement costs more than it saves.
    const windowStart = newest - window;
    const below = windowStart > window / 10 ? windowStart : 0;
    const newer = await slice(below > 0 ? sql`${id} > ${below}` : sql`TRUE`, 0, { walk: !(sparse && below > 0) });
    const older =
      newer.matches <= RANKED_MATCH_CAP && below > 0
        ? await slice(sql`${id} <= ${below}`, newer.matches)
        : { matches: 0, best: [] };
    const matches = newer.matches + older.matches;
    return {
      rows: [...newer.best, ...older.best].sort((a, b) => a.score - b.score || b.id - a.id).slice(0, limit),
      total: Math.min(matches, RANKED_MATCH_CAP),
      capped: matches > RANKED_MATCH_CAP,
    };
  };
}

const rankOf = (vector: SQL, query: SQL) => sql`ts_rank(${WEIGHTS}::float4[], ${vector}, ${query}, ${NORMALIZATION})`;

/** How much title closeness (0..1) adds to a similar question's rank (0..1): more made fewer top-5 agree with SQLite. */
const SIMILAR_TITLE_WEIGHT = 0.3;

/**
 * For "similar questions" (any of the words), a title close to the sentence being typed adds to the
 * score (pg_trgm), times the row's `boost`: the `closer` of a ranking (`Rank`), over its row `t`.
 */
const closeness = (text: TextQuery, boost: SQL) =>
  text.kind === "any" ? sql`${SIMILAR_TITLE_WEIGHT} * similarity(t.title, ${text.sentence}) * ${boost}` : undefined;

/**
 * Similar questions whose words found fewer than `limit`: titles close to the sentence fill the rest,
 * typos included ("platypos doorbel"). Only then: as a candidate source beside the words, the trigram
 * index scan took 50-220 ms at a million titles, too slow for a request made while someone types.
 */
async function withCloseTitles(
  rank: Rank,
  table: SearchTable,
  text: TextQuery,
  found: Ranking,
  also: { q: SQL; where: SQL; boost: SQL; limit: number; closeTitles?: boolean },
): Promise<Ranking> {
  if (text.kind !== "any" || also.closeTitles === false || found.rows.length >= also.limit) return found;
  const close = await rank(
    table,
    sql`title % ${text.sentence} AND NOT (tsv @@ ${also.q}) AND ${also.where}`,
    sql`${SIMILAR_TITLE_WEIGHT} * similarity(title, ${text.sentence}) * ${also.boost}`,
    also.limit - found.rows.length,
  );
  return {
    rows: [...found.rows, ...close.rows].sort((a, b) => a.score - b.score || b.id - a.id),
    total: Math.min(found.total + close.total, RANKED_MATCH_CAP),
    capped: found.capped || close.capped,
  };
}

/** The search engine on PostgreSQL, running its statements with `run` (tests pass their own). */
export function postgresSearchOn(run: PgRun): SearchEngine {
  const rank = rankingOn(run);
  return {
    async rankThreads(text, scope, limit) {
      const query = tsQueryOf(text);
      if (!query) return EMPTY;
      const q = tsQuery(query);
      const filters = hasFacets(threadFacets(scope));
      const relevance = sql`${rankOf(sql`tsv`, q)} * boost`;
      const found = await rank(
        "search_threads",
        sql`tsv @@ ${q} AND ${filters}`,
        relevance,
        limit,
        closeness(text, sql`t.boost`),
      );
      return withCloseTitles(rank, "search_threads", text, found, {
        q,
        where: filters,
        boost: sql`boost`,
        limit,
        closeTitles: scope.closeTitles,
      });
    },
    async rankArticles(text, scope, limit) {
      const query = tsQueryOf(text);
      if (!query) return EMPTY;
      const q = tsQuery(query);
      const filters = hasFacets(articleFacets(scope));
      const inFull = hasAnyFacet(audienceFacets(scope.inFull, AUDIENCES));
      // Teaser-only readers search by title and summary: the body cannot be probed word by word.
      const match =
        scope.byTitleOnly.length === 0
          ? sql`tsv @@ ${q} AND ${inFull} AND ${filters}`
          : sql`((tsv @@ ${q} AND ${inFull}) OR (tsv_teaser @@ ${q} AND ${hasAnyFacet(audienceFacets(scope.byTitleOnly, AUDIENCES))})) AND ${filters}`;
      const vector = scope.byTitleOnly.length === 0 ? sql`tsv` : sql`CASE WHEN ${inFull} THEN tsv ELSE tsv_teaser END`;
      const boost = sql`${ARTICLE_BOOST}`;
      const found = await rank(
        "search_articles",
        match,
        sql`${rankOf(vector, q)} * ${boost}`,
        limit,
        closeness(text, boost),
      );
      // Close titles only among articles read in full: suggestions are for reading now.
      return withCloseTitles(rank, "search_articles", text, found, {
        q,
        where: sql`${inFull} AND ${filters}`,
        boost,
        limit,
        closeTitles: scope.closeTitles,
      });
    },
    ...postgresTextsOn(run, (text) => {
      const query = tsQueryOf(text);
      return query ? tsQuery(query) : null;
    }),
  };
}

export const postgresSearch = postgresSearchOn(pgRead);
