-- Facet tokens changed (app/models/search/query.server.ts `facetToken`): each tag, category and
-- audience now has a token of its own ("c", "c#" and "c++" had one between them, and every tag of
-- letters outside a-z had the empty one). The documents hold the old tokens, and SQL cannot compute
-- the new ones, so the index must be built again from the threads and articles. A row here asks
-- for that: `ensureSearchIndex`, which every process runs right after the migrations, clears and
-- rebuilds both tables in one write and deletes the row. (Emptying the tables here instead let any
-- index write made before the rebuild stop it for good: it looked for an empty table.)
CREATE TABLE "search_index_tasks" (
  "task" text PRIMARY KEY NOT NULL
);--> statement-breakpoint
INSERT INTO "search_index_tasks" ("task") VALUES ('rebuild');--> statement-breakpoint
-- Rows keep their tsvector inline (in the table's own pages) up to the largest row a page holds,
-- instead of moving any row over 2 kB into TOAST, where PostgreSQL stores tsvectors uncompressed: a
-- ranking statement reads the tsvector of every match it ranks, and a TOASTed one costs an index
-- lookup and another page each. At the 1M-post bench community the newest 2,001 matches of "the"
-- ranked in 1.5 ms instead of 3.1 (DECISIONS.md #87). It applies to rows written from now on: the
-- rebuild above writes every row again.
ALTER TABLE "search_threads" SET (toast_tuple_target = 8160);--> statement-breakpoint
ALTER TABLE "search_articles" SET (toast_tuple_target = 8160);
