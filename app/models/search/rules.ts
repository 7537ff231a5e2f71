/** Search options shared by the server and the browser bundle. */
import { z } from "zod";

export const SEARCH_TYPES = ["all", "questions", "articles"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const MAX_QUERY_LENGTH = 200;
export const RESULTS_PER_PAGE = 20;
/** Results are ranked among this many most recent matches per kind; see DECISIONS "Search". */
export const RANKED_MATCH_CAP = 2_000;
export const MAX_SEARCH_PAGE = RANKED_MATCH_CAP / RESULTS_PER_PAGE;
export const SIMILAR_LIMIT = 5;
/** Staff's report of searches that found nothing covers this many days, this many queries at most. */
export const FAILED_SEARCH_DAYS = 30;
export const FAILED_SEARCHES_SHOWN = 50;

/** Query-string options of /search. Filters that make no sense fall back; only an overlong query is an error. */
export const searchQuerySchema = z.object({
  q: z.string().max(MAX_QUERY_LENGTH, `Keep your search under ${MAX_QUERY_LENGTH} characters.`).default(""),
  type: z.enum(SEARCH_TYPES).catch("all"),
  tag: z.string().trim().toLowerCase().max(40).optional().catch(undefined),
  category: z.string().trim().toLowerCase().max(60).optional().catch(undefined),
  solved: z
    .string()
    .optional()
    .transform((value) => value === "1" || value === "on")
    .catch(false),
  page: z.coerce.number().int().min(1).max(MAX_SEARCH_PAGE).catch(1),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export type Segment = { text: string; hit: boolean };

export type ThreadHit = {
  type: "question";
  id: number;
  url: string;
  title: Segment[];
  snippet: Segment[];
  tags: string[];
  status: string;
  verified: boolean;
  answerCount: number;
  categoryName: string;
};

export type ArticleHit = {
  type: "article";
  id: number;
  url: string;
  title: Segment[];
  snippet: Segment[];
  tags: string[];
  /** True when the reader sees only the title and summary (a customer-only article). */
  teaser: boolean;
  audience: string;
  categoryName: string;
};

export type SearchHit = ThreadHit | ArticleHit;
