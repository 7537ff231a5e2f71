// npm run db:migrate: applies pending migrations to the database (DATABASE_URL, else DATABASE_PATH), then
// builds again what they ask for (the search index).
import { closeDatabase, databaseDescription } from "~/lib/db.server";
import { migrateAndRebuild } from "~/server/prepare.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";

exitOnInvalidConfiguration();

await migrateAndRebuild();
await closeDatabase();
const { engine, database } = databaseDescription();
console.log(`Migrated ${database} (${engine})`);
