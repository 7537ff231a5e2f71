// npm run db:reset: empties the database (deletes the SQLite file, or drops every table of the
// PostgreSQL database), then migrates and seeds the demo community afresh.
import fs from "node:fs";
import pg from "pg";
import { closeDatabase, databaseDescription } from "~/lib/db.server";
import { databaseEngine, databasePath, env, exitOnInvalidConfiguration } from "~/lib/env.server";
import { prepareDatabase } from "~/server/prepare.server";
import { seedDemoWhenEmpty } from "../../db/seed/seed-demo";

exitOnInvalidConfiguration();

if (databaseEngine() === "postgres") {
  // Everything the migrations made lives in these two schemas (drizzle keeps its journal in its own).
  const client = new pg.Client({ connectionString: env("DATABASE_URL") });
  await client.connect();
  try {
    await client.query("DROP SCHEMA IF EXISTS drizzle CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public");
  } finally {
    await client.end();
  }
} else {
  const file = databasePath();
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
}
await prepareDatabase();
await seedDemoWhenEmpty();
await closeDatabase();
console.log(`Reset ${databaseDescription().database} with the demo community`);
