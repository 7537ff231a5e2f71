// npm run db:reset: deletes the database file, then migrates and seeds the demo community afresh.
import fs from "node:fs";
import { closeDatabase } from "~/lib/db.server";
import { databasePath, exitOnInvalidConfiguration } from "~/lib/env.server";
import { prepareDatabase } from "~/server/prepare.server";
import { seedDemoWhenEmpty } from "../../db/seed/seed-demo";

exitOnInvalidConfiguration();

const file = databasePath();
for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
await prepareDatabase();
await seedDemoWhenEmpty();
await closeDatabase();
console.log(`Reset ${file} with the demo community`);
