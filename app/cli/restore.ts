/**
 * npm run db:restore -- <file> [--force]: puts a backup made by db:backup back into the database
 * the configuration names: a SQLite file into `DATABASE_PATH`, a pg_dump archive into `DATABASE_URL`
 * (./database/sqlite-backups.ts, ./database/postgres-backups.ts). A database still in use (a server
 * has it open, or sessions are connected) is refused unless --force. Exits 1 when refused or
 * failed, 2 for input it cannot take.
 */
import fs from "node:fs";
import path from "node:path";
import { databaseEngine, databasePath, env, exitOnInvalidConfiguration } from "~/lib/env.server";
import { BAD_INPUT, errorText, fileKind, parseOptions, stop } from "./database/cli-input";
import { restorePostgres } from "./database/postgres-backups";
import { restoreSqlite } from "./database/sqlite-backups";

exitOnInvalidConfiguration();

const USAGE =
  "Usage: npm run db:restore -- <backup file> [--force] (into DATABASE_URL, else DATABASE_PATH; --force restores a database in use)";
const { values, positionals } = parseOptions({ force: { type: "boolean" } }, USAGE, true);
if (positionals.length !== 1) stop(USAGE, BAD_INPUT);
const backup = path.resolve(positionals[0]);
const stat = fs.statSync(backup, { throwIfNoEntry: false });
if (!stat?.isFile()) stop(`There is no backup file at ${backup}`, BAD_INPUT);

const kind = stat.size === 0 ? "other" : fileKind(backup);
const engine = databaseEngine();
if (kind === "other")
  stop(`${backup} is not a backup made by db:backup (neither a SQLite database nor a pg_dump archive)`, BAD_INPUT);
if (kind === "sqlite" && engine === "postgres")
  stop(
    `${backup} is a SQLite backup and DATABASE_URL names PostgreSQL: move a SQLite community with npm run db:copy`,
    BAD_INPUT,
  );
if (kind === "pg_dump" && engine === "sqlite")
  stop(`${backup} is a PostgreSQL backup (pg_dump): set DATABASE_URL to the database to restore it into`, BAD_INPUT);

const force = values.force ?? false;
// Anything unforeseen (a file that is not what its name says, a full disk) still ends in one line.
const outcome = await (
  engine === "postgres"
    ? restorePostgres(env("DATABASE_URL")!, backup, force)
    : restoreSqlite(backup, databasePath(), force)
).catch((error: unknown) => ({
  problem: `Restore failed: ${errorText(error)}`,
}));
if ("problem" in outcome) stop(outcome.problem);
console.log(outcome.done);
