/** PostgreSQL twin of db/schema/imports.ts (its head comment states the invariants). */
import { boolean, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { BADGE_TIERS } from "../schema/badges";
import { IMPORT_KINDS } from "../schema/imports";
import { timestampMs } from "./columns";
import { posts } from "./community";
import { users } from "./users";

export const importRecords = pgTable(
  "import_records",
  {
    site: text("site").notNull(),
    kind: text("kind", { enum: IMPORT_KINDS }).notNull(),
    sourceId: integer("source_id").notNull(),
    targetId: integer("target_id").notNull(),
    contentHash: text("content_hash").notNull(),
    importedAt: timestampMs("imported_at").notNull(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.site, t.kind, t.sourceId] }),
    index("import_records_target_idx").on(t.kind, t.targetId),
  ],
);

export const importRuns = pgTable(
  "import_runs",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    site: text("site").notNull(),
    startedAt: timestampMs("started_at").notNull(),
    finishedAt: timestampMs("finished_at"),
  },
  (t) => [index("import_runs_site_idx").on(t.site, t.finishedAt)],
);

export const importCheckpoints = pgTable(
  "import_checkpoints",
  {
    runId: integer("run_id")
      .notNull()
      .references(() => importRuns.id, { onDelete: "cascade" }),
    step: text("step").notNull(),
    rowsDone: integer("rows_done").notNull().default(0),
    finishedAt: timestampMs("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.step] })],
);

export const postComments = pgTable(
  "post_comments",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    sourceAuthorName: text("source_author_name"),
    bodyMarkdown: text("body_markdown").notNull(),
    bodyHtml: text("body_html").notNull(),
    score: integer("score").notNull().default(0),
    createdAt: timestampMs("created_at").notNull(),
    sourceLicence: text("source_licence"),
    removedAt: timestampMs("removed_at"),
    removedById: integer("removed_by_id").references(() => users.id),
    removalReason: text("removal_reason"),
  },
  (t) => [index("post_comments_post_idx").on(t.postId, t.createdAt, t.removedAt)],
);

export const importedBadges = pgTable(
  "imported_badges",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    site: text("site").notNull(),
    name: text("name").notNull(),
    tier: text("tier", { enum: BADGE_TIERS }).notNull(),
    tagBased: boolean("tag_based").notNull().default(false),
    awardedAt: timestampMs("awarded_at").notNull(),
  },
  (t) => [index("imported_badges_user_idx").on(t.userId, t.awardedAt)],
);
