-- Search rows keep their tsvector inline (in the table's own pages) up to the largest row a page
-- holds, instead of moving any row over 2 kB into TOAST, where PostgreSQL stores tsvectors
-- uncompressed: a ranking statement reads the tsvector of every match it ranks, and a TOASTed one
-- costs an index lookup and another page each. At the 1M-post bench community the newest 2,001
-- matches of "the" ranked in 1.5 ms instead of 3.1 (DECISIONS.md #87).
ALTER TABLE "search_threads" SET (toast_tuple_target = 8160);--> statement-breakpoint
ALTER TABLE "search_articles" SET (toast_tuple_target = 8160);--> statement-breakpoint
-- The setting applies to rows written from now on: rewrite the existing ones (same values; a
-- change of type rewrites the table and its indexes in this transaction, as VACUUM FULL cannot).
ALTER TABLE "search_threads" ALTER COLUMN "tsv" TYPE tsvector USING "tsv" || ''::tsvector;--> statement-breakpoint
ALTER TABLE "search_articles" ALTER COLUMN "tsv" TYPE tsvector USING "tsv" || ''::tsvector;--> statement-breakpoint
ANALYZE "search_threads";--> statement-breakpoint
ANALYZE "search_articles";
