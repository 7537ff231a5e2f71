/**
 * The one SQLite connection of this process.
 * WAL lets readers run beside the single writer; synchronous=NORMAL skips the fsync per commit (an
 * application crash loses nothing; a power cut can lose the last moments: see README "Durability");
 * busy_timeout makes a writer wait for another process's lock instead of failing;
 * `PRAGMA optimize` at open keeps the planner's statistics fresh for a long-lived connection.
 * Writes go through `writeTransaction`, which takes the write lock up front (BEGIN IMMEDIATE) so a
 * read-then-write never upgrades its lock halfway and fails with SQLITE_BUSY. Each says what it
 * changed that visitors' cached pages show (one thread's, or nothing they see); one that says
 * nothing, or a write made outside it, empties the whole page cache (page-cache.server.ts).
 * Another process can still hold the lock past the busy timeout (a second server, `kb:sync`, an
 * `sqlite3` session): that is `isDatabaseBusy`, which the HTTP layer answers with 503 + Retry-After.
 * The wait for the lock blocks this whole process, so after one write gave up, the next ones wait
 * only briefly until a write gets through again: one stall, not one per request.
 * The folder is created 0700 and the database, its -wal and -shm 0600 (SQLite gives the last two
 * the database file's mode): the file holds password hashes and session ids.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "../../db/schema";
import { databasePath, migrationsFolder } from "./env.server";
import { log } from "./log.server";
import { invalidatePageCache, invalidateThreadPages } from "./page-cache.server";

export type Db = BetterSQLite3Database<typeof schema>;

type Connection = {
  sqlite: Database.Database;
  db: Db;
  totalChanges: Database.Statement<[], number>;
  /** Rows changed inside `writeTransaction` since the connection opened; SQLite's total_changes() counts every row. */
  changesInTransactions: number;
  /** Rows changed outside `writeTransaction` as of the last look (`invalidatePagesAfterUntrackedWrites`). */
  untrackedChangesSeen: number;
};

let connection: Connection | null = null;
let queriesRun = 0;

/** How many queries `work` sent through drizzle: lets tests hold pages to a fixed query count. */
export function countQueries(work: () => unknown): number {
  const before = queriesRun;
  work();
  return queriesRun - before;
}

const BUSY_TIMEOUT_MS = 5_000;
const BUSY_TIMEOUT_WHILE_STALLED_MS = 100;
/** What a 503 for a busy database tells clients to wait, in seconds. */
export const DATABASE_BUSY_RETRY_AFTER_SECONDS = 5;
let stalled = false;

/** Creates the database file owner-only, and takes group and world access away from existing ones. */
function createPrivately(file: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, "a", 0o600));
  for (const suffix of ["", "-wal", "-shm"]) {
    const mode = fs.statSync(file + suffix, { throwIfNoEntry: false })?.mode;
    if (mode === undefined || (mode & 0o077) === 0) continue;
    const context = { file: file + suffix, was: (mode & 0o777).toString(8) };
    try {
      fs.chmodSync(file + suffix, 0o600);
      log.warn("database file was readable by others: made it owner-only", context);
    } catch (error) {
      // Another user owns it (a deliberate shared set-up, or a mistake): say so and carry on.
      log.warn("database file is readable by others and could not be made owner-only", { ...context, error });
    }
  }
}

function open() {
  const file = databasePath();
  createPrivately(file);
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  stalled = false;
  // Hot pages come from memory instead of a read() per page: 64 MB of page cache, reads through mmap.
  sqlite.pragma("cache_size = -65536");
  sqlite.pragma("mmap_size = 268435456");
  sqlite.pragma("optimize = 0x10002");
  // Compiled before statements are shared: nothing else may get (and change) this plucking one.
  const totalChanges = sqlite.prepare<[], number>("SELECT total_changes()").pluck();
  reuseCompiledStatements(sqlite);
  return {
    sqlite,
    db: drizzle(sqlite, { schema, logger: { logQuery: () => (queriesRun += 1) } }),
    totalChanges,
    changesInTransactions: 0,
    untrackedChangesSeen: 0,
  };
}

// Distinct SQL texts kept compiled: queries differ by shape only (values are bound), but lists
// (`IN (?, ?, …)`) make one shape per length, so the oldest unused ones are let go.
const COMPILED_STATEMENTS_KEPT = 500;

/**
 * Drizzle asks SQLite to compile every query it runs, and compiling costs more than running most
 * of ours: this connection's `prepare` hands back the statement compiled before for the same text
 * (better-sqlite3 statements are reusable; every run is synchronous, so none is busy when reused).
 * Drizzle switches a statement to raw rows for some calls and not for others, so the row mode is
 * reset on each hand-out; a caller must not bind values to a statement (`bind`) or change its
 * integer mode, which would outlive its use.
 */
function reuseCompiledStatements(sqlite: Database.Database) {
  const compile = sqlite.prepare.bind(sqlite);
  const compiled = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = compiled.get(source);
    if (statement) {
      compiled.delete(source); // re-inserted below: the Map's order is the order of last use
      if (statement.reader) statement.raw(false).pluck(false).expand(false);
    } else {
      statement = compile(source);
      if (compiled.size >= COMPILED_STATEMENTS_KEPT) compiled.delete(compiled.keys().next().value!);
    }
    compiled.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
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
 * A prepared statement for SQL drizzle cannot express (FTS5 MATCH, bm25, snippet), compiled
 * through the connection's statement reuse like drizzle's. Every run is counted like a drizzle query.
 */
export function preparedStatement(sqlText: string) {
  const prepared = current().sqlite.prepare(sqlText);
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

/**
 * Queries built and prepared once per connection by `build` (drizzle otherwise rebuilds a query's
 * SQL from its parts on every run): for the hot pages' fixed-shape queries, with
 * `sql.placeholder` for their values. Runs are counted like any drizzle query.
 */
export function preparedPerConnection<T>(build: (db: Db) => T): () => T {
  let made: { db: Db; queries: T } | null = null;
  return () => {
    const { db } = current();
    if (made?.db !== db) made = { db, queries: build(db) };
    return made.queries;
  };
}

const BUSY_CODES = /^SQLITE_(BUSY|LOCKED)(_|$)/;

/** True when SQLite gave up waiting for a lock (drizzle wraps its errors, so the causes are searched). */
export function isDatabaseBusy(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof Database.SqliteError && BUSY_CODES.test(cause.code)) return true;
  }
  return false;
}

function setStalled(sqlite: Database.Database, value: boolean) {
  if (stalled === value) return;
  stalled = value;
  sqlite.pragma(`busy_timeout = ${value ? BUSY_TIMEOUT_WHILE_STALLED_MS : BUSY_TIMEOUT_MS}`);
  if (value)
    log.warn("database busy: another connection held the write lock past the busy timeout", {
      busyTimeoutMs: BUSY_TIMEOUT_MS,
    });
  else log.info("database writable again");
}

/**
 * What a write changed that visitors' pages show, declared from inside `writeTransaction`'s work.
 * The declaration covers everything the work does (helpers, counters, audit rows, notifications);
 * a nested `writeTransaction` declares for itself. Declaring nothing means "anything may have
 * changed": every cached page goes. (A write no visitor's page reads is `writeUnseenByVisitors`.)
 */
export type ChangedPages = {
  /** The write concerns thread `id` (its posts, votes, solutions, state, follow-up): its pages and every list go. */
  thread(id: number): void;
};

type Declared = { declared: boolean; everything: boolean; threads: Set<number> };
// The writeTransaction calls running now, outermost first (the nested ones are savepoints).
const openWrites: Declared[] = [];

/**
 * Runs `work` in one synchronous IMMEDIATE transaction (a savepoint when already inside one) and,
 * once the outermost one commits, invalidates the cached pages its work declared it changed
 * (`ChangedPages`), before any other request can run. Throws SQLite's busy error (see
 * `isDatabaseBusy`) when the write lock cannot be had in time.
 */
export function writeTransaction<T>(work: (changed: ChangedPages) => T): T {
  return runDeclaredWrite(work, false);
}

/**
 * `writeTransaction` for a write that changes only what no visitor's page reads (sessions,
 * rate-limit counters, notifications, email, job leases), or view counts, which cached pages may
 * show late (#12): no cached page goes.
 */
export function writeUnseenByVisitors<T>(work: () => T): T {
  return runDeclaredWrite(work, true);
}

function runDeclaredWrite<T>(work: (changed: ChangedPages) => T, unseenByVisitors: boolean): T {
  const open = current();
  const declared: Declared = { declared: unseenByVisitors, everything: false, threads: new Set() };
  const changed: ChangedPages = {
    thread(id) {
      declared.declared = true;
      declared.threads.add(id);
    },
  };
  const enclosing = openWrites.at(-1);
  openWrites.push(declared);
  const changesBefore = enclosing ? 0 : (open.totalChanges.get() ?? 0);
  let result: T;
  try {
    result = runTransaction(open.sqlite, () => work(changed));
  } finally {
    openWrites.pop();
    // Rows written here, rolled back or not, are accounted for: see invalidatePagesAfterUntrackedWrites.
    if (!enclosing) open.changesInTransactions += (open.totalChanges.get() ?? 0) - changesBefore;
  }
  const everything = declared.everything || !declared.declared;
  if (enclosing) {
    enclosing.everything ||= everything;
    for (const id of declared.threads) enclosing.threads.add(id);
  } else if (everything) invalidatePageCache();
  else if (declared.threads.size > 0) invalidateThreadPages(declared.threads);
  return result;
}

function runTransaction<T>(sqlite: Database.Database, work: () => T): T {
  if (sqlite.inTransaction) return sqlite.transaction(work)();
  try {
    const result = sqlite.transaction(work).immediate();
    setStalled(sqlite, false);
    return result;
  } catch (error) {
    if (isDatabaseBusy(error)) setStalled(sqlite, true);
    throw error;
  }
}

/**
 * The safety net for writes made outside `writeTransaction` (a password change, a lazily created
 * signing key, seed and test helpers, any future write that forgets it): when this connection has
 * changed rows outside it since the last look, every cached page goes. The HTTP server looks before the page
 * cache answers a visitor, so no page stored before such a write is served after it.
 */
export function invalidatePagesAfterUntrackedWrites() {
  if (!connection || openWrites.length > 0) return;
  const untracked = (connection.totalChanges.get() ?? 0) - connection.changesInTransactions;
  if (untracked === connection.untrackedChangesSeen) return;
  connection.untrackedChangesSeen = untracked;
  invalidatePageCache();
}

export function migrateDatabase() {
  migrate(getDb(), { migrationsFolder: migrationsFolder() });
}

export function closeDatabase() {
  connection?.sqlite.close();
  connection = null;
}
