-- Full-text search on PostgreSQL: the twin of SQLite's FTS5 tables (db/migrations/0002_search.sql),
-- kept in step by app/models/search/index-postgres.server.ts in the write that changes a document.
-- One row per publicly visible thread (thread_id = threads.id): its title, then the question and its
-- accepted and verified answers as plain text; one row per article that is not removed.
-- `tsv` is built by the app from the document's words (runs of letters and digits, as FTS5's
-- unicode61 reads them; PostgreSQL's parser would keep "host.name" as one token) and the hyphenated
-- words written as one ("wi-fi" also as "wifi"): title A, summary B, aliases C, body D.
-- `facets` holds filter tokens (category, tags, solved, audience) such as '§tag§wifi'.
-- unaccent and pg_trgm are trusted extensions: the database owner creates them, no superuser.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- English stems (Snowball) without a stopword list: like FTS5's porter tokenizer, every word is
-- indexed, so "the who" or "to be" find what they say.
CREATE TEXT SEARCH DICTIONARY hearth_stem (TEMPLATE = snowball, Language = english);--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION hearth (COPY = english);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION hearth
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, hearth_stem;--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION hearth
  ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;--> statement-breakpoint
CREATE TABLE "search_threads" (
  "thread_id" integer PRIMARY KEY NOT NULL,
  "title" text NOT NULL,
  "body" text NOT NULL,
  "facets" text[] NOT NULL,
  "boost" real NOT NULL,
  "tsv" tsvector NOT NULL
);--> statement-breakpoint
CREATE INDEX "search_threads_tsv" ON "search_threads" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "search_threads_facets" ON "search_threads" USING gin ("facets");--> statement-breakpoint
-- Similar questions while typing: titles close to the one being typed, typos included.
CREATE INDEX "search_threads_title_trgm" ON "search_threads" USING gin ("title" gin_trgm_ops);--> statement-breakpoint
-- `tsv_teaser` is title and summary alone: what a reader who may only see the teaser of a
-- customer-only article can search by.
CREATE TABLE "search_articles" (
  "article_id" integer PRIMARY KEY NOT NULL,
  "title" text NOT NULL,
  "summary" text NOT NULL,
  "body" text NOT NULL,
  "facets" text[] NOT NULL,
  "tsv" tsvector NOT NULL,
  "tsv_teaser" tsvector NOT NULL
);--> statement-breakpoint
CREATE INDEX "search_articles_tsv" ON "search_articles" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "search_articles_tsv_teaser" ON "search_articles" USING gin ("tsv_teaser");--> statement-breakpoint
CREATE INDEX "search_articles_facets" ON "search_articles" USING gin ("facets");--> statement-breakpoint
CREATE INDEX "search_articles_title_trgm" ON "search_articles" USING gin ("title" gin_trgm_ops);
