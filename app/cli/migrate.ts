// npm run db:migrate: applies pending migrations to the database (DATABASE_URL, else DATABASE_PATH).
import { closeDatabase, databaseDescription, migrateDatabase } from "~/lib/db.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";

exitOnInvalidConfiguration();

await migrateDatabase();
await closeDatabase();
const { engine, database } = databaseDescription();
console.log(`Migrated ${database} (${engine})`);
