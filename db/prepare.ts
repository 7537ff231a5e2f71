/** Start-up: apply migrations, then seed the demo community when the database has no accounts. */
import { count } from "drizzle-orm";
import { getDb, migrateDatabase } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { users } from "./schema";
import { seedDemoCommunity } from "./seed/seed-demo";

export async function prepareDatabase({ seedWhenEmpty = true } = {}) {
  migrateDatabase();
  const { accounts } = getDb().select({ accounts: count() }).from(users).get()!;
  if (accounts === 0 && seedWhenEmpty) {
    log.info("empty database: seeding the demo community");
    await seedDemoCommunity();
  }
}
