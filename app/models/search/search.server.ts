/**
 * One search over questions and knowledge-base articles, on either database engine. This file reads
 * the query, applies the filters and the audience rules, merges and pages the rankings and shapes
 * the hits; engine-sqlite.server.ts (FTS5) and engine-postgres.server.ts (tsvector) rank and mark.
 *
 * Indexing (one document per thread and per article, kept in step by every write): index.server.ts.
 *
 * Ranking: titles weighted above bodies, multiplied by a boost (verified > accepted > unsolved;
 * articles above threads). Ranking costs time per matching document, so for a word that matches
 * most of a large forum only the RANKED_MATCH_CAP most recent matches are ranked.
 *
 * Audience: staff-only articles are searched for staff only; customer-only articles are searched
 * in full for customers and by title and summary alone for everyone else, who get the teaser. Which
 * audiences go which way is the permission module's decision (`articleSearchAudiences`); each engine
 * writes it in its own SQL.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { categories, kbArticles, threads, users } from "../../../db/schema";
import { read } from "~/lib/db.server";
import {
  articleSearchAudiences,
  canReadArticle,
  canSeeArticleTeaser,
  publicThreadsCondition,
  type Actor,
} from "~/lib/permissions.server";
import { parseSearchQuery, requiredTermCount, similarityWords, type TextQuery } from "./query.server";
import {
  MAX_SEARCH_PAGE,
  RESULTS_PER_PAGE,
  SIMILAR_LIMIT,
  searchQuerySchema,
  type ArticleHit,
  type SearchHit,
  type SearchQuery,
  type Segment,
  type ThreadHit,
} from "./rules";
import { HIT_END, HIT_START, type RankedRow, type SearchEngine } from "./engine.server";
import { databaseEngine } from "~/lib/env.server";
import { sqliteSearch } from "./engine-sqlite.server";
import { postgresSearch } from "./engine-postgres.server";
import { VERIFIED_BOOST } from "./documents.server";
import { tagsByThread } from "~/models/community/tags.server";
import { correctedQuery, correctedText, expandQuery } from "./expansion.server";
import { recordFailedSearch } from "./failed-searches.server";
import { cutToLength } from "~/lib/text";

const engine = (): SearchEngine => (databaseEngine() === "postgres" ? postgresSearch : sqliteSearch);

/** Splits marked text into text and hit segments: rendered by React, never as HTML. */
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

async function threadHits(text: TextQuery, ids: number[]): Promise<Map<number, ThreadHit>> {
  if (ids.length === 0) return new Map();
  const [rows, tags, texts] = await Promise.all([
    read((db) =>
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
    ),
    tagsByThread(ids),
    engine().threadTexts(text, ids),
  ]);
  const hits = new Map<number, ThreadHit>();
  for (const row of rows) {
    const marked = texts.get(row.id);
    if (!marked) continue;
    hits.set(row.id, {
      type: "question",
      id: row.id,
      url: `/questions/${row.id}/${row.slug}`,
      title: segments(marked.title),
      snippet: segments(marked.snippet),
      tags: tags.get(row.id) ?? [],
      status: row.status,
      verified: marked.boost >= VERIFIED_BOOST,
      answerCount: row.answerCount,
      categoryName: row.categoryName,
    });
  }
  return hits;
}

async function articleHits(actor: Actor, text: TextQuery, ids: number[]): Promise<Map<number, ArticleHit>> {
  if (ids.length === 0) return new Map();
  const [rows, texts] = await Promise.all([
    read((db) =>
      db
        .select({
          id: kbArticles.id,
          slug: kbArticles.slug,
          audience: kbArticles.audience,
          categoryName: kbArticles.categoryName,
        })
        .from(kbArticles)
        .where(inArray(kbArticles.id, ids)),
    ),
    engine().articleTexts(text, ids),
  ]);
  const hits = new Map<number, ArticleHit>();
  for (const row of rows) {
    // Defence in depth: the ranking already left out what this actor may not see.
    if (!canSeeArticleTeaser(actor, row)) continue;
    const marked = texts.get(row.id);
    if (!marked) continue;
    const teaser = !canReadArticle(actor, row);
    hits.set(row.id, {
      type: "article",
      id: row.id,
      url: `/kb/${row.slug}`,
      title: segments(marked.title),
      snippet: segments(teaser ? marked.summary : marked.body),
      tags: marked.tags,
      teaser,
      audience: row.audience,
      categoryName: row.categoryName,
    });
  }
  return hits;
}

type MergedRow = RankedRow & { type: "question" | "article" };

/** Both rankings in one order (best first), then the hits of `pageRows` in that order. */
const mergeRankings = (threadRows: RankedRow[], articleRows: RankedRow[]): MergedRow[] =>
  [
    ...threadRows.map((row) => ({ ...row, type: "question" as const })),
    ...articleRows.map((row) => ({ ...row, type: "article" as const })),
  ].sort((a, b) => a.score - b.score || b.id - a.id);

// The queries of one search that do not depend on each other run together (on PostgreSQL, on
// connections of the read pool; SQLite answers each at once anyway).
async function hitsOf(actor: Actor, text: TextQuery, pageRows: MergedRow[]): Promise<SearchHit[]> {
  const [threadMap, articleMap] = await Promise.all([
    threadHits(
      text,
      pageRows.filter((row) => row.type === "question").map((row) => row.id),
    ),
    articleHits(
      actor,
      text,
      pageRows.filter((row) => row.type === "article").map((row) => row.id),
    ),
  ]);
  return pageRows
    .map((row) => (row.type === "question" ? threadMap.get(row.id) : articleMap.get(row.id)))
    .filter((hit): hit is SearchHit => hit !== undefined);
}

export type SearchResults = {
  query: SearchQuery;
  error: string | null;
  /** The query with its typos corrected, offered when that query finds something ("Did you mean"). */
  didYouMean: string | null;
  hits: SearchHit[];
  /** On a first page with fewer hits than fit, hits holding some of the words, after those holding all. */
  partialHits: SearchHit[];
  total: number;
  /** True when there are more matches than were ranked ("2,000+ results"). */
  capped: boolean;
  hasNextPage: boolean;
};

/**
 * The /search page: ranked, filtered, paginated hits for what the actor may see. `clientAddress` (the
 * request's client network) counts a search that found nothing against that client's limit; scripts
 * and tests share one.
 */
export async function searchSite(actor: Actor, input: unknown, clientAddress = "local"): Promise<SearchResults> {
  const parsed = searchQuerySchema.safeParse(input);
  if (!parsed.success) {
    const query = searchQuerySchema.parse({});
    const error = parsed.error.issues[0].message;
    return { query, error, didYouMean: null, hits: [], partialHits: [], total: 0, capped: false, hasNextPage: false };
  }
  const query = parsed.data;
  const typed: TextQuery = { kind: "all", query: parseSearchQuery(query.q) };
  const empty = {
    query,
    error: null,
    didYouMean: null,
    hits: [],
    partialHits: [],
    total: 0,
    capped: false,
    hasNextPage: false,
  };
  if (requiredTermCount(typed.query) === 0) return empty;
  const { text, corrections } = await expandQuery(actor, typed);

  // Enough of each kind to fill this page after merging both rankings by score.
  const wanted = query.page * RESULTS_PER_PAGE + 1;
  const search = engine();
  // Whether the corrected query finds anything is asked beside the ranking, not after it.
  const [threadRanking, articleRanking, didYouMean] = await Promise.all([
    query.type === "articles" ? null : search.rankThreads(text, query, wanted),
    query.type === "questions"
      ? null
      : search.rankArticles(text, { ...query, ...articleSearchAudiences(actor) }, wanted),
    corrections.size > 0 ? findsAnything(actor, query, correctedQuery(query.q, corrections)) : null,
  ]);
  const merged = mergeRankings(threadRanking?.rows ?? [], articleRanking?.rows ?? []);
  const start = (query.page - 1) * RESULTS_PER_PAGE;
  const total = (threadRanking?.total ?? 0) + (articleRanking?.total ?? 0);
  const shown = merged.slice(start, start + RESULTS_PER_PAGE);
  const [hits, partialHits] = await Promise.all([
    hitsOf(actor, text, shown),
    query.page === 1 && shown.length < RESULTS_PER_PAGE && requiredTermCount(typed.query) > 1
      ? partialMatches(actor, query, text, shown)
      : [],
  ]);
  if (total === 0 && query.page === 1) await recordFailedSearch(query.q, clientAddress);
  return {
    query,
    error: null,
    didYouMean,
    hits,
    partialHits,
    total,
    capped: Boolean(threadRanking?.capped || articleRanking?.capped),
    hasNextPage: merged.length > start + RESULTS_PER_PAGE && query.page < MAX_SEARCH_PAGE,
  };
}

/**
 * Hits holding some of the words, best first, to fill a first page that found fewer with all of
 * them: a sentence or a title pasted into the box seldom has every word in one document (asked
 * again by their titles, Bicycles Meta's duplicates found their originals this way only). Only the
 * meaningful words (similarityWords) and their alternatives count; nothing is added when a word is
 * excluded, since whoever excludes a word means the query to be exact.
 */
async function partialMatches(actor: Actor, query: SearchQuery, text: TextQuery, shown: MergedRow[]) {
  if (text.kind !== "all" || text.query.excluded.length > 0) return [];
  const words = [...new Set([...similarityWords(query.q), ...(text.query.anyOf ?? []).flat()])];
  if (words.length < 2) return [];
  const partial: TextQuery = { kind: "any", words, sentence: query.q };
  const wanted = RESULTS_PER_PAGE;
  const search = engine();
  const [threadRanking, articleRanking] = await Promise.all([
    query.type === "articles" ? null : search.rankThreads(partial, { ...query, closeTitles: false }, wanted),
    query.type === "questions"
      ? null
      : search.rankArticles(partial, { ...query, ...articleSearchAudiences(actor), closeTitles: false }, wanted),
  ]);
  const seen = new Set(shown.map((row) => `${row.type}-${row.id}`));
  const rows = mergeRankings(threadRanking?.rows ?? [], articleRanking?.rows ?? [])
    .filter((row) => !seen.has(`${row.type}-${row.id}`))
    .slice(0, RESULTS_PER_PAGE - shown.length);
  return hitsOf(actor, partial, rows);
}

/**
 * `q` when it finds something for `actor` under the same filters, else null. "Did you mean" is
 * checked against the index itself: the vocabulary may be minutes behind it (a post hidden since),
 * and a correction must never name a word this reader cannot find.
 */
async function findsAnything(actor: Actor, query: SearchQuery, q: string): Promise<string | null> {
  const text = correctedText(q);
  const search = engine();
  const [threads, articles] = await Promise.all([
    query.type === "articles" ? null : search.rankThreads(text, query, 1),
    query.type === "questions" ? null : search.rankArticles(text, { ...query, ...articleSearchAudiences(actor) }, 1),
  ]);
  return (threads?.rows.length ?? 0) + (articles?.rows.length ?? 0) > 0 ? q : null;
}

/**
 * Questions and readable articles that look like the question being typed, best first. Questions of
 * every state are offered, not only solved ones: the same question still waiting for answers is one
 * to follow rather than ask again (on Bicycles Meta 7 of 9 questions closed as duplicates pointed at
 * an unsolved one), and the boosts rank solved and verified ones first.
 * `whileTyping`: asked again at each pause, so from the words alone (see `ThreadScope`).
 * `limit` above the page's SIMILAR_LIMIT is for measuring the ranking (npm run bench:search-quality).
 */
export async function findSimilar(
  actor: Actor,
  title: string,
  { whileTyping = false, limit = SIMILAR_LIMIT } = {},
): Promise<SearchHit[]> {
  const sentence = cutToLength(title, 300);
  const typed: TextQuery = { kind: "any", words: similarityWords(sentence), sentence };
  if (typed.words.length === 0) return [];
  const { text } = await expandQuery(actor, typed);
  const search = engine();
  // Suggestions are for reading now: only articles this actor can open.
  const { inFull } = articleSearchAudiences(actor);
  const closeTitles = !whileTyping;
  const [threadRanking, articleRanking] = await Promise.all([
    search.rankThreads(text, { closeTitles }, limit),
    search.rankArticles(text, { inFull, byTitleOnly: [], closeTitles }, limit),
  ]);
  const merged = mergeRankings(threadRanking.rows, articleRanking.rows).slice(0, limit);
  return hitsOf(actor, text, merged);
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
