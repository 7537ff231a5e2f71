/** PostgreSQL twin of db/schema/search-words.ts (its head comment states the invariants). */
import { index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestampMs } from "./columns";
import { users } from "./users";

export const synonymGroups = pgTable("synonym_groups", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  updatedById: integer("updated_by_id").references(() => users.id),
  updatedAt: timestampMs("updated_at").notNull(),
});

export const synonymWords = pgTable(
  "synonym_words",
  {
    word: text("word").primaryKey(),
    matchKey: text("match_key").notNull(),
    groupId: integer("group_id")
      .notNull()
      .references(() => synonymGroups.id, { onDelete: "cascade" }),
  },
  (t) => [index("synonym_words_match_idx").on(t.matchKey), index("synonym_words_group_idx").on(t.groupId)],
);

export const failedSearches = pgTable(
  "failed_searches",
  {
    day: integer("day").notNull(),
    query: text("query").notNull(),
    searches: integer("searches").notNull(),
    lastSearchedAt: timestampMs("last_searched_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.query] }), index("failed_searches_recent_idx").on(t.lastSearchedAt)],
);
