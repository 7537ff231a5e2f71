/**
 * The one SQLite connection of this process.
 * WAL lets readers run beside the single writer; synchronous=NORMAL skips the fsync per commit (an
 * application crash loses nothing; a power cut can lose the last moments: see README "Durability");
 * busy_timeout makes a writer wait for another process's lock instead of failing;
 * `PRAGMA optimize` at open keeps the planner's statistics fresh for a long-lived connection.
 * Writes go through `writeTransaction`, which takes the write lock up front (BEGIN IMMEDIATE) so a
 * read-then-write never upgrades its lock halfway and fails with SQLITE_BUSY.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "../../db/schema";
import { databasePath, migrationsFolder } from "./env.server";

export type Db = BetterSQLite3Database<typeof schema>;

let connection: { sqlite: Database.Database; db: Db; statements: Map<string, Database.Statement> } | null = null;
let queriesRun = 0;

/** How many queries `work` sent through drizzle: lets tests hold pages to a fixed query count. */
export function countQueries(work: () => unknown): number {
  const before = queriesRun;
  work();
  return queriesRun - before;
}

function open() {
  const file = databasePath();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // Hot pages come from memory instead of a read() per page: 64 MB of page cache, reads through mmap.
  sqlite.pragma("cache_size = -65536");
  sqlite.pragma("mmap_size = 268435456");
  sqlite.pragma("optimize = 0x10002");
  return {
    sqlite,
    db: drizzle(sqlite, { schema, logger: { logQuery: () => (queriesRun += 1) } }),
    statements: new Map<string, Database.Statement>(),
  };
}

function current() {
  connection ??= open();
  return connection;
}

export function getDb(): Db {
  return current().db;
}

export function getSqlite(): Database.Database {
  return current().sqlite;
}

/**
 * A prepared statement for SQL drizzle cannot express (FTS5 MATCH, bm25, snippet), prepared once
 * per connection. Every run is counted like a drizzle query.
 */
export function preparedStatement(sqlText: string) {
  const { sqlite, statements } = current();
  let statement = statements.get(sqlText);
  if (!statement) {
    statement = sqlite.prepare(sqlText);
    statements.set(sqlText, statement);
  }
  const prepared = statement;
  const counted =
    <R>(run: (...params: unknown[]) => R) =>
    (...params: unknown[]) => {
      queriesRun += 1;
      return run(...params);
    };
  return {
    get: counted((...params) => prepared.get(...params) as Record<string, unknown> | undefined),
    all: counted((...params) => prepared.all(...params) as Record<string, unknown>[]),
    run: counted((...params) => prepared.run(...params)),
  };
}

/** Runs `work` in one synchronous IMMEDIATE transaction (a savepoint when already inside one). */
export function writeTransaction<T>(work: () => T): T {
  const sqlite = current().sqlite;
  if (sqlite.inTransaction) return sqlite.transaction(work)();
  return sqlite.transaction(work).immediate();
}

export function migrateDatabase() {
  migrate(getDb(), { migrationsFolder: migrationsFolder() });
}

export function closeDatabase() {
  connection?.sqlite.close();
  connection = null;
}

