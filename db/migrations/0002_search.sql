-- Full-text search (FTS5). One row per thread (rowid = threads.id): its title, then the question
-- and its accepted and verified answers as plain text; one row per knowledge-base article
-- (rowid = kb_articles.id). The model layer (app/models/search.server.ts) keeps both in step.
-- `aliases` holds hyphenated words written as one ("wi-fi" also as "wifi"), kept out of snippets.
-- `facets` holds filter tokens (category, tags, solved, audience) such as "§tag§wifi", so filters use
-- the index. "§" is a token character here and never part of a word a user query is built from, so
-- user queries cannot reach the facets without a column filter (which would cost ~30% per query).
CREATE VIRTUAL TABLE `search_threads` USING fts5(
  title, body, aliases, facets,
  tokenize = "porter unicode61 remove_diacritics 2 tokenchars '§'"
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_articles` USING fts5(
  title, summary, body, aliases, facets,
  tokenize = "porter unicode61 remove_diacritics 2 tokenchars '§'"
);
--> statement-breakpoint
-- What a thread's bm25 score is multiplied by (solved and verified threads rank higher). A narrow
-- table of its own: read per ranked row, an FTS5 UNINDEXED column costs twice the whole ranking,
-- because it drags each row's full text off disk.
CREATE TABLE `search_thread_boosts` (
  `thread_id` integer PRIMARY KEY NOT NULL,
  `boost` real NOT NULL
);
