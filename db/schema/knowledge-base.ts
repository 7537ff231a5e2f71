/**
 * The knowledge base: Markdown articles under content/kb/, indexed into the database by kb:sync,
 * and readers' "was this helpful?" answers.
 * Invariants:
 * - an article's slug is unique; source_path is the file it came from (relative to content/kb);
 * - a file that disappears marks its article removed (removed_at) instead of deleting it, so the
 *   feedback readers gave survives the file coming back; removed articles are never shown;
 * - one feedback row per article per voter: voter_key is "user:<id>" or "browser:<random id>".
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { threads } from "./community";
import { users } from "./users";

export const AUDIENCES = ["public", "customers", "staff"] as const;
export type Audience = (typeof AUDIENCES)[number];

export const kbArticles = sqliteTable(
  "kb_articles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    slug: text("slug").notNull().unique(),
    sourcePath: text("source_path").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    categoryName: text("category_name").notNull(),
    categorySlug: text("category_slug").notNull(),
    audience: text("audience", { enum: AUDIENCES }).notNull(),
    /** The date the author gave in frontmatter (YYYY-MM-DD), not the file's mtime. */
    updatedOn: text("updated_on").notNull(),
    position: integer("position").notNull().default(1000),
    bodyMarkdown: text("body_markdown").notNull(),
    bodyHtml: text("body_html").notNull(),
    /** JSON: [{ depth, id, text }] of the article's h2 and h3 headings. */
    tocJson: text("toc_json").notNull().default("[]"),
    contentHash: text("content_hash").notNull(),
    syncedAt: integer("synced_at", { mode: "timestamp_ms" }).notNull(),
    removedAt: integer("removed_at", { mode: "timestamp_ms" }),
    /** The community thread the article was drafted from (its front matter's `source`), if it names one of ours. */
    sourceThreadId: integer("source_thread_id").references(() => threads.id, { onDelete: "set null" }),
  },
  (t) => [index("kb_articles_category_idx").on(t.categorySlug, t.position, t.title)],
);

export const kbArticleTags = sqliteTable(
  "kb_article_tags",
  {
    articleId: integer("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.tag] }), index("kb_article_tags_tag_idx").on(t.tag, t.articleId)],
);

export const kbFeedback = sqliteTable(
  "kb_feedback",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    articleId: integer("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    voterKey: text("voter_key").notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    helpful: integer("helpful", { mode: "boolean" }).notNull(),
    comment: text("comment"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("kb_feedback_voter_idx").on(t.articleId, t.voterKey),
    index("kb_feedback_article_idx").on(t.articleId, t.updatedAt),
  ],
);
