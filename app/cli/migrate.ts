// npm run db:migrate: applies pending migrations to DATABASE_PATH (default ./data/hearth.sqlite).
import { closeDatabase, migrateDatabase } from "~/lib/db.server";
import { databasePath } from "~/lib/env.server";

migrateDatabase();
closeDatabase();
console.log(`Migrated ${databasePath()}`);
