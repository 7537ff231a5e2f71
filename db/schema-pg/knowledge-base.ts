/** PostgreSQL twin of db/schema/knowledge-base.ts (its head comment states the invariants). */
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { AUDIENCES } from "../schema/knowledge-base";
import { threads } from "./community";
import { timestampMs } from "./columns";
import { users } from "./users";

export const kbArticles = pgTable(
  "kb_articles",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    slug: text("slug").notNull().unique(),
    sourcePath: text("source_path").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    categoryName: text("category_name").notNull(),
    categorySlug: text("category_slug").notNull(),
    audience: text("audience", { enum: AUDIENCES }).notNull(),
    updatedOn: text("updated_on").notNull(),
    position: integer("position").notNull().default(1000),
    bodyMarkdown: text("body_markdown").notNull(),
    bodyHtml: text("body_html").notNull(),
    // JSON as text on both engines, as in SQLite: the app parses it itself.
    tocJson: text("toc_json").notNull().default("[]"),
    contentHash: text("content_hash").notNull(),
    syncedAt: timestampMs("synced_at").notNull(),
    removedAt: timestampMs("removed_at"),
    sourceThreadId: integer("source_thread_id").references(() => threads.id, { onDelete: "set null" }),
  },
  (t) => [index("kb_articles_category_idx").on(t.categorySlug, t.position, t.title)],
);

export const kbArticleTags = pgTable(
  "kb_article_tags",
  {
    articleId: integer("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.tag] }), index("kb_article_tags_tag_idx").on(t.tag, t.articleId)],
);

export const kbFeedback = pgTable(
  "kb_feedback",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    articleId: integer("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    voterKey: text("voter_key").notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    helpful: boolean("helpful").notNull(),
    comment: text("comment"),
    createdAt: timestampMs("created_at").notNull(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("kb_feedback_voter_idx").on(t.articleId, t.voterKey),
    index("kb_feedback_article_idx").on(t.articleId, t.updatedAt),
  ],
);
