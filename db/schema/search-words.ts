/**
 * What search knows about words beyond its index (DECISIONS.md #80): staff-kept synonym groups and
 * the searches that found nothing. The vocabulary that typo tolerance reads is derived from the index
 * and lives beside it (search_vocabulary, search_word_variants: raw tables of the search migration).
 * Invariants: a word belongs to one synonym group at most (`synonym_words.word` is the key), and so
 * does its match key (synonyms.server.ts checks it: "wifi" and "wi-fi" are one word to search); a failed
 * search is one row per UTC day and normalized query, counted, never a row per search.
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./users";

export const synonymGroups = sqliteTable("synonym_groups", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  updatedById: integer("updated_by_id").references(() => users.id),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

export const synonymWords = sqliteTable(
  "synonym_words",
  {
    /** As staff wrote it, lower case ("wi-fi"). */
    word: text("word").primaryKey(),
    /** The word as a search word matches it: hyphens dropped ("wifi"), as the index's compounds. */
    matchKey: text("match_key").notNull(),
    groupId: integer("group_id")
      .notNull()
      .references(() => synonymGroups.id, { onDelete: "cascade" }),
  },
  (t) => [index("synonym_words_match_idx").on(t.matchKey), index("synonym_words_group_idx").on(t.groupId)],
);

export const failedSearches = sqliteTable(
  "failed_searches",
  {
    /** Days since the epoch, UTC. */
    day: integer("day").notNull(),
    /** The query's words, lower case, one space apart, bounded (failed-searches.server.ts). */
    query: text("query").notNull(),
    searches: integer("searches").notNull(),
    lastSearchedAt: integer("last_searched_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.query] }), index("failed_searches_recent_idx").on(t.lastSearchedAt)],
);
