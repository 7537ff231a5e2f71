/**
 * npm run db:backup -- <file>: an online backup of the database while servers keep serving it:
 * SQLite's `DATABASE_PATH` with `VACUUM INTO`, PostgreSQL's `DATABASE_URL` with `pg_dump -Fc`
 * (./database/sqlite-backups.ts, ./database/postgres-backups.ts). The file is new (never written
 * over), owner-only, and checked once written; the script exits 1 if anything is wrong, 2 for
 * input it cannot take.
 */
import path from "node:path";
import { databaseEngine, databasePath, env, exitOnInvalidConfiguration } from "~/lib/env.server";
import { BAD_INPUT, errorText, parseOptions, stop } from "./database/cli-input";
import { backupPostgres } from "./database/postgres-backups";
import { backupSqlite } from "./database/sqlite-backups";

exitOnInvalidConfiguration();

const USAGE = "Usage: npm run db:backup -- <backup file> (DATABASE_URL, else DATABASE_PATH, names the database)";
const { positionals } = parseOptions({}, USAGE, true);
if (positionals.length !== 1) stop(USAGE, BAD_INPUT);
const target = path.resolve(positionals[0]);

// Anything unforeseen (a file that is not what its name says, a full disk) still ends in one line.
const outcome = await (
  databaseEngine() === "postgres" ? backupPostgres(env("DATABASE_URL")!, target) : backupSqlite(databasePath(), target)
).catch((error: unknown) => ({
  problem: `Backup failed: ${errorText(error)}`,
}));
if ("problem" in outcome) stop(outcome.problem);
console.log(outcome.done);
