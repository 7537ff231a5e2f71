/**
 * Limits and list options of the community, shared by the server and the browser bundle
 * (a constant exported from a *.server.ts module is empty in the browser).
 */
import { z } from "zod";

export const MAX_BODY_LENGTH = 32_000;
export const MAX_TAGS_PER_THREAD = 5;
export const THREADS_PER_PAGE = 20;
export const ANSWERS_PER_PAGE = 50;

export const THREAD_FILTERS = ["all", "unanswered", "unresolved", "solved"] as const;
export const THREAD_SORTS = ["newest", "active", "top"] as const;

/** Query-string options of a thread list; anything unusable falls back to the default. */
export const threadListQuerySchema = z.object({
  filter: z.enum(THREAD_FILTERS).catch("all"),
  sort: z.enum(THREAD_SORTS).catch("newest"),
  tag: z.string().trim().toLowerCase().max(40).optional().catch(undefined),
  category: z.string().trim().max(60).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type ThreadListQuery = z.infer<typeof threadListQuerySchema>;

export const SUGGESTED_EDITS_PAGE_SIZE = 20;

/** Comments shown under an imported post; the rest are on the source, linked (DECISIONS.md #81). */
export const COMMENTS_SHOWN_PER_POST = 30;

/** Where an imported post came from, shown with it as its licence asks; null on Hearth's own posts. */
export type ImportedFrom = { site: string; url: string | null; licence: string | null; author: string };

/** A comment from an imported post's source site, read-only. */
export type ImportedComment = {
  id: number;
  /** The name to show: the Hearth account's, or the source's when the account is the deleted user. */
  author: string;
  /** Set when the author is the site's deleted user: `author` is the source's name, with no profile here. */
  authorIsStandIn?: boolean;
  bodyHtml: string;
  score: number;
  createdAt: Date;
  /** Set when staff removed it (only staff get such a comment): who, when and why. */
  removal?: { at: Date; by: string | null; reason: string | null };
};

export type PostComments = { shown: ImportedComment[]; total: number };
