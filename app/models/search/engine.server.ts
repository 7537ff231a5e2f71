/**
 * What each search engine answers, in engine-neutral terms: search.server.ts decides what to look
 * for (parsed words, filters, the audiences the permission module allows) and shapes the results;
 * engine-sqlite.server.ts (FTS5) and engine-postgres.server.ts (tsvector) turn that into SQL.
 *
 * Contract both keep: `rank*` ranks only the RANKED_MATCH_CAP most recent matches (highest id first)
 * and returns rows best first with a score where lower is better, so threads and articles of one
 * engine merge by score; `*Texts` return titles and snippets with hits marked by HIT_START/HIT_END.
 */
import type { Audience } from "../../../db/schema";
import { facetToken, type TextQuery } from "./query.server";

export const HIT_START = "\u0002";
export const HIT_END = "\u0003";
/** Articles rank above threads with the same text. */
export const ARTICLE_BOOST = 1.8;
/** Tokens of a snippet (FTS5 `snippet`, PostgreSQL `ts_headline` MaxWords). */
export const SNIPPET_WORDS = 28;

/**
 * `closeTitles: false`: similar questions from the words alone, never filled in with titles close
 * to the sentence (PostgreSQL's trigram fill-in, 100-900 ms at a million posts: too slow while a
 * title is being typed; DECISIONS.md #83).
 */
type SimilarOptions = { closeTitles?: boolean };
export type ThreadScope = { category?: string; tag?: string; solved?: boolean } & SimilarOptions;
/** `inFull`: audiences searched in every field; `byTitleOnly`: by title and summary alone (teasers). */
export type ArticleScope = {
  category?: string;
  tag?: string;
  inFull: Audience[];
  byTitleOnly: Audience[];
} & SimilarOptions;
export type RankedRow = { id: number; score: number };
export type Ranking = { rows: RankedRow[]; total: number; capped: boolean };
export type ThreadText = { title: string; snippet: string; boost: number };
export type ArticleText = { title: string; summary: string; body: string; tags: string[] };

export type SearchEngine = {
  rankThreads(text: TextQuery, scope: ThreadScope, limit: number): Promise<Ranking>;
  rankArticles(text: TextQuery, scope: ArticleScope, limit: number): Promise<Ranking>;
  threadTexts(text: TextQuery, ids: number[]): Promise<Map<number, ThreadText>>;
  articleTexts(text: TextQuery, ids: number[]): Promise<Map<number, ArticleText>>;
};

/** The facet tokens every matching thread must hold. */
export function threadFacets(scope: ThreadScope) {
  const facets: string[] = [];
  if (scope.category) facets.push(facetToken("cat", scope.category));
  if (scope.tag) facets.push(facetToken("tag", scope.tag));
  if (scope.solved) facets.push(facetToken("is", "solved"));
  return facets;
}

/** The facet tokens every matching article must hold. */
export function articleFacets(scope: Pick<ArticleScope, "category" | "tag">) {
  return threadFacets({ category: scope.category, tag: scope.tag });
}

/** The audience tokens of which an article must hold one, or null when every audience is allowed. */
export function audienceFacets(audiences: Audience[], all: readonly Audience[]) {
  return audiences.length === all.length ? null : audiences.map((audience) => facetToken("aud", audience));
}
