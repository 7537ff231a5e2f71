-- Facet tokens changed (app/models/search/query.server.ts `facetToken`): each tag, category and
-- audience now has a token of its own ("c", "c#" and "c++" had one between them, "printers" was
-- stemmed to "printer", and every tag of letters outside a-z had the empty one). The documents hold
-- the old tokens, and SQL cannot compute the new ones, so the index must be built again from the
-- threads and articles. A row here asks for that: `ensureSearchIndex`, which every process runs
-- right after the migrations, clears and rebuilds both tables in one write and deletes the row.
-- (Emptying the tables here instead let any index write made before the rebuild, a knowledge-base
-- file synced or a thread imported, stop the rebuild for good: it looked for an empty table.)
CREATE TABLE `search_index_tasks` (
  `task` text PRIMARY KEY NOT NULL
);--> statement-breakpoint
INSERT INTO `search_index_tasks` (`task`) VALUES ('rebuild');
