/**
 * Start-up: apply migrations, seed the demo community when the database has no accounts, mirror
 * content/kb into the database, and build the search index if it is missing.
 */
import { count } from "drizzle-orm";
import { getDb, migrateDatabase } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { ensureSearchIndex } from "~/models/search/index.server";
import { users } from "../../db/schema";
import { seedDemoCommunity } from "../../db/seed/seed-demo";

export async function prepareDatabase({ seedWhenEmpty = true } = {}) {
  migrateDatabase();
  const { accounts } = getDb().select({ accounts: count() }).from(users).get()!;
  if (accounts === 0 && seedWhenEmpty) {
    log.info("empty database: seeding the demo community");
    await seedDemoCommunity();
  }
  const kb = syncKnowledgeBase();
  for (const problem of kb.problems) log.warn("knowledge-base file skipped", problem);
  log.info("knowledge base synced", {
    added: kb.added.length,
    updated: kb.updated.length,
    removed: kb.removed.length,
    unchanged: kb.unchanged,
  });
  const indexed = ensureSearchIndex();
  if (indexed > 0) log.info("search index built", { threads: indexed });
}
