-- Facet tokens changed (app/models/search/query.server.ts `facetToken`): each tag, category and
-- audience now has a token of its own ("c", "c#" and "c++" had one between them, and every tag of
-- letters outside a-z had the empty one). The documents hold the old tokens, and SQL cannot compute
-- the new ones, so the index is emptied here and start-up builds it again from the threads and
-- articles (`ensureSearchIndex`), before the server listens.
TRUNCATE "search_threads", "search_articles";--> statement-breakpoint
-- Rows keep their tsvector inline (in the table's own pages) up to the largest row a page holds,
-- instead of moving any row over 2 kB into TOAST, where PostgreSQL stores tsvectors uncompressed: a
-- ranking statement reads the tsvector of every match it ranks, and a TOASTed one costs an index
-- lookup and another page each. At the 1M-post bench community the newest 2,001 matches of "the"
-- ranked in 1.5 ms instead of 3.1 (DECISIONS.md #87). The rows written from now on, so all of them.
ALTER TABLE "search_threads" SET (toast_tuple_target = 8160);--> statement-breakpoint
ALTER TABLE "search_articles" SET (toast_tuple_target = 8160);
