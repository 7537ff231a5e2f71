/**
 * Start-up: apply migrations, mirror content/kb into the database, and build the search index if it
 * is missing. (The demo community is seeded by `npm run db:seed`, which `npm start` runs first: the
 * seed is not part of the server's bundle.)
 */
import { databaseDescription, migrateDatabase } from "~/lib/db.server";
import { subscribeEveryDomain } from "~/models/subscriptions.server";
import { log } from "~/lib/log.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { ensureSearchIndex } from "~/models/search/index.server";

export async function prepareDatabase() {
  subscribeEveryDomain();
  log.info("database", databaseDescription());
  await migrateDatabase();
  const kb = await syncKnowledgeBase();
  for (const problem of kb.problems) log.warn("knowledge-base file skipped", problem);
  log.info("knowledge base synced", {
    added: kb.added.length,
    updated: kb.updated.length,
    removed: kb.removed.length,
    unchanged: kb.unchanged,
  });
  const indexed = await ensureSearchIndex();
  if (indexed > 0) log.info("search index built", { threads: indexed });
}
