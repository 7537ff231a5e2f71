/** Health for load balancers and `npm start` scripts: the database answers and every migration is applied. */
import fs from "node:fs";
import path from "node:path";
import { appliedMigrationCount } from "~/lib/db.server";
import { migrationsFolder } from "~/lib/env.server";
import { log } from "~/lib/log.server";

export async function checkDatabaseHealth(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta/_journal.json"), "utf8"));
    if ((await appliedMigrationCount()) < journal.entries.length) return { ok: false, reason: "migrations pending" };
    return { ok: true };
  } catch (error) {
    log.error("health check failed", { error });
    return { ok: false, reason: "database unreachable" };
  }
}
