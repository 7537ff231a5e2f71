/**
 * What was imported from elsewhere (a Stack Exchange dump: app/models/import/stackexchange/) and what
 * only imports hold: comments and badges earned on the source site (DECISIONS.md #82).
 * Invariants:
 * - import_records maps each imported source row (site, kind, id there) to the one Hearth row made
 *   from it, with a hash of what it was made from: a second import of the same dump finds every row
 *   and changes none; a row whose hash differs is updated in place, never inserted twice;
 * - kinds: user → users.id, tag → tags.id, thread (a source question) → threads.id, post (question or
 *   answer) → posts.id, revision (a source edit) → post_revisions.id, comment → post_comments.id,
 *   badge → imported_badges.id, reputation (a source user) → reputation_events.id;
 * - import_runs has at most one unfinished run per site: the next run on that site resumes it, each file
 *   from the row after its checkpoint (rows_done, committed in the same transaction as those rows);
 * - post_comments and imported_badges are read-only history: nothing in Hearth writes them but the
 *   import, and they are removed with their post or person; the one exception is a comment's removal
 *   (removed_at, removed_by_id, removal_reason), which only staff set and clear and no import writes:
 *   a removed comment reaches staff alone (DECISIONS.md #91).
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { posts } from "./community";
import { users } from "./users";
import { BADGE_TIERS } from "./badges";

export const IMPORT_KINDS = ["user", "tag", "thread", "post", "revision", "comment", "badge", "reputation"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * The source id under which an import records each site's one "deleted user" account, the author of
 * everything whose author the dump no longer has (source user ids are -1 and up, never 0).
 */
export const DELETED_USER_SOURCE_ID = 0;

export const importRecords = sqliteTable(
  "import_records",
  {
    /** The source site's host, e.g. "bicycles.meta.stackexchange.com". */
    site: text("site").notNull(),
    kind: text("kind", { enum: IMPORT_KINDS }).notNull(),
    sourceId: integer("source_id").notNull(),
    targetId: integer("target_id").notNull(),
    /** What the row was made from (its source rows, hashed): a change means the row is written again. */
    contentHash: text("content_hash").notNull(),
    importedAt: integer("imported_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.site, t.kind, t.sourceId] }),
    index("import_records_target_idx").on(t.kind, t.targetId),
  ],
);

export const importRuns = sqliteTable(
  "import_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    site: text("site").notNull(),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("import_runs_site_idx").on(t.site, t.finishedAt)],
);

export const importCheckpoints = sqliteTable(
  "import_checkpoints",
  {
    runId: integer("run_id")
      .notNull()
      .references(() => importRuns.id, { onDelete: "cascade" }),
    /** The step: a file name ("Posts.xml") or a step after the files ("search index"). */
    step: text("step").notNull(),
    /** Rows of the file whose writes have committed; the resumed run skips them. */
    rowsDone: integer("rows_done").notNull().default(0),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.step] })],
);

/** A comment under a post, as written on the source site (comments are not a Hearth feature: shown read-only). */
export const postComments = sqliteTable(
  "post_comments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    /** The author's name at the source (attribution), kept when the account is the one "deleted user". */
    sourceAuthorName: text("source_author_name"),
    /** Stack Exchange's comment Markdown (inline only), and its sanitized HTML from markdown.server. */
    bodyMarkdown: text("body_markdown").notNull(),
    bodyHtml: text("body_html").notNull(),
    score: integer("score").notNull().default(0),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    sourceLicence: text("source_licence"),
    /** Set when staff removed the comment (spam, abuse, personal data): only staff see it then. */
    removedAt: integer("removed_at", { mode: "timestamp_ms" }),
    removedById: integer("removed_by_id").references(() => users.id),
    removalReason: text("removal_reason"),
  },
  // removed_at in the index: a page's comments are counted and numbered without reading their rows.
  (t) => [index("post_comments_post_idx").on(t.postId, t.createdAt, t.removedAt)],
);

/** A badge earned on the source site: shown as "earned on <site>", apart from Hearth's own badges (badges.ts). */
export const importedBadges = sqliteTable(
  "imported_badges",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    site: text("site").notNull(),
    name: text("name").notNull(),
    tier: text("tier", { enum: BADGE_TIERS }).notNull(),
    /** Whether the name is a tag's (a tag badge), as the source says. */
    tagBased: integer("tag_based", { mode: "boolean" }).notNull().default(false),
    awardedAt: integer("awarded_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("imported_badges_user_idx").on(t.userId, t.awardedAt)],
);
