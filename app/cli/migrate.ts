// npm run db:migrate: applies pending migrations to DATABASE_PATH (default ./data/hearth.sqlite).
import { closeDatabase, migrateDatabase } from "~/lib/db.server";
import { databasePath, exitOnInvalidConfiguration } from "~/lib/env.server";

exitOnInvalidConfiguration();

migrateDatabase();
closeDatabase();
console.log(`Migrated ${databasePath()}`);
