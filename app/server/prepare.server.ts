/**
 * Start-up: apply migrations and build again what they ask for (the search index, or a table of it
 * that is missing), then mirror content/kb into the database. (The demo community is seeded by `npm run db:seed`, which `npm start` runs first: the
 * seed is not part of the server's bundle.)
 */
import { databaseDescription, migrateDatabase } from "~/lib/db.server";
import { subscribeEveryDomain } from "~/models/subscriptions.server";
import { log } from "~/lib/log.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { ensureSearchIndex } from "~/models/search/index.server";

/**
 * The migrations, then what they asked to be built again from the data (the search index), before
 * anything else writes: every process that opens the database (the server, each command) runs this
 * instead of the migrations alone.
 */
export async function migrateAndRebuild() {
  await migrateDatabase();
  const indexed = await ensureSearchIndex();
  if (indexed > 0) log.info("search index built", { threads: indexed });
}

export async function prepareDatabase() {
  subscribeEveryDomain();
  log.info("database", databaseDescription());
  await migrateAndRebuild();
  const kb = await syncKnowledgeBase();
  for (const problem of kb.problems) log.warn("knowledge-base file skipped", problem);
  log.info("knowledge base synced", {
    added: kb.added.length,
    updated: kb.updated.length,
    removed: kb.removed.length,
    unchanged: kb.unchanged,
  });
}
