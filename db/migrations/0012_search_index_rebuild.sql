-- Facet tokens changed (app/models/search/query.server.ts `facetToken`): each tag, category and
-- audience now has a token of its own ("c", "c#" and "c++" had one between them, "printers" was
-- stemmed to "printer", and every tag of letters outside a-z had the empty one). The documents hold
-- the old tokens, and SQL cannot compute the new ones, so the index is emptied here and start-up
-- builds it again from the threads and articles (`ensureSearchIndex`), before the server listens.
DELETE FROM `search_threads`;--> statement-breakpoint
DELETE FROM `search_thread_boosts`;--> statement-breakpoint
DELETE FROM `search_articles`;
