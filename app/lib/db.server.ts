/**
 * All database access: `read` and `write`, the contract every engine implements (SQLite here).
 *
 * - `read(work)` runs `work` with a handle that sees committed data: the read connection, or, inside
 *   a `write`, that write's own transaction (so a write reads what it wrote). Each statement sees the
 *   latest commit (like PostgreSQL's READ COMMITTED): a read never sees another request's
 *   uncommitted writes, because writes have a connection of their own.
 * - `write(work)` runs `work` in one transaction on the write connection: writes are serialized
 *   within the process (one at a time, in arrival order) and across processes by SQLite's lock,
 *   taken up front (BEGIN IMMEDIATE) so a read-then-write never upgrades its lock halfway and fails
 *   with SQLITE_BUSY. A `write` inside a `write` is a savepoint. Once the outermost one commits, the
 *   visitors' pages it declared changed (`ChangedPages`) are dropped before anything else runs, then
 *   its `afterCommit` work (delivery) runs; a rolled-back write's never does.
 * - `inWrite(work)` is for helpers that are only ever part of a caller's write (counters, audit rows,
 *   state kept in step): they run in that write's transaction, and fail loudly outside one.
 *
 * The connections: WAL lets readers run beside the single writer; synchronous=NORMAL skips the fsync
 * per commit (an application crash loses nothing; a power cut can lose the last moments: see README
 * "Durability"); busy_timeout makes a writer wait for another process's lock instead of failing;
 * `PRAGMA optimize` at open keeps the planner's statistics fresh. The read connection is query_only:
 * a write that bypasses `write` fails loudly instead of slipping past the page cache.
 * Another process can hold the lock past the busy timeout (a second server, `kb:sync`, an `sqlite3`
 * session): that is `isDatabaseBusy`, which the HTTP layer answers with 503 + Retry-After. The wait
 * for the lock blocks this whole process, so after one write gave up, the next ones wait only briefly
 * until a write gets through again: one stall, not one per request.
 * The folder is created 0700 and the database, its -wal and -shm 0600 (SQLite gives the last two
 * the database file's mode): the file holds password hashes and session ids.
 */
import { AsyncLocalStorage } from "node:async_hooks";
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
  /** BEGIN, COMMIT, SAVEPOINT…: compiled once each (`control`). */
  control: Map<string, Database.Statement>;
  /** Queries built once for this connection (`preparedPerConnection`), by builder. */
  prepared: Map<unknown, unknown>;
};

type WriteConnection = Connection & {
  totalChanges: Database.Statement<[], number>;
  /** Rows changed inside `write` since the connection opened; SQLite's total_changes() counts every row. */
  changesInWrites: number;
  /** Rows changed outside `write` as of the last look (`invalidatePagesAfterUntrackedWrites`). */
  untrackedChangesSeen: number;
};

let connections: { read: Connection; write: WriteConnection } | null = null;
let queriesRun = 0;

/** How many queries `work` sent (drizzle's and prepared ones): lets tests hold pages to a fixed query count. */
export async function countQueries(work: () => unknown): Promise<number> {
  const before = queriesRun;
  await work();
  return queriesRun - before;
}

/** The first row of a query's rows, if any. */
export function firstRow<T>(rows: T[]): T | undefined {
  return rows[0];
}

/** The row a write returned (`returning`) where there is always exactly one: an insert, an update by key. */
export function oneRow<T>(rows: T[]): T {
  if (rows.length === 0) throw new Error("The write returned no row.");
  return rows[0];
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

function connect(file: string, { readOnly }: { readOnly: boolean }): Connection {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Hot pages come from memory instead of a read() per page; reads go through mmap. The write
  // connection reads little beyond what it writes, so it keeps a smaller cache.
  sqlite.pragma(`cache_size = ${readOnly ? -65536 : -16384}`);
  sqlite.pragma("mmap_size = 268435456");
  sqlite.pragma("optimize = 0x10002");
  if (readOnly) sqlite.pragma("query_only = ON");
  return {
    sqlite,
    db: drizzle(sqlite, { schema, logger: { logQuery: () => (queriesRun += 1) } }),
    prepared: new Map(),
    control: new Map(),
  };
}

function open() {
  const file = databasePath();
  createPrivately(file);
  // The write connection first: it creates the WAL files the read connection then shares.
  const write = connect(file, { readOnly: false });
  // Compiled before statements are shared: nothing else may get (and change) this plucking one.
  const totalChanges = write.sqlite.prepare<[], number>("SELECT total_changes()").pluck();
  reuseCompiledStatements(write.sqlite);
  const read = connect(file, { readOnly: true });
  reuseCompiledStatements(read.sqlite);
  stalled = false;
  return { read, write: { ...write, totalChanges, changesInWrites: 0, untrackedChangesSeen: 0 } };
}

// Distinct SQL texts kept compiled per connection: queries differ by shape only (values are
// bound), but lists (`IN (?, ?, …)`) make one shape per length, so the oldest unused ones go.
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
  connections ??= open();
  return connections;
}

/**
 * What a write changed that visitors' pages show, declared from inside `write`'s work. The
 * declaration covers everything the work does (helpers, counters, audit rows, subscribers); a nested
 * `write` declares for itself. Declaring nothing means "anything may have changed": every cached page
 * goes. (A write no visitor's page reads is `writeUnseenByVisitors`.)
 */
export type ChangedPages = {
  /** The write concerns thread `id` (its posts, votes, solutions, state, follow-up): its pages and every list go. */
  thread(id: number): void;
};

/** One `write` (or savepoint) in progress: what it declared, what waits for its commit, and its own nested writes' turn. */
type WriteLevel = {
  declared: boolean;
  everything: boolean;
  threads: Set<number>;
  afterCommit: (() => unknown)[];
  /** Nested writes started from this level take turns here (savepoints must nest, not interleave). */
  nested: Promise<unknown>;
};

/** Where the code running now stands: inside the outermost `write` (its transaction) at one of its levels (0 = the transaction). */
type WriteFrame = { connection: WriteConnection; transaction: { open: boolean }; level: WriteLevel; depth: number };

/** Runs a transaction-control statement (compiled once per connection: every write runs two or more). */
function control(connection: Connection, sqlText: string) {
  let statement = connection.control.get(sqlText);
  if (!statement) {
    statement = connection.sqlite.prepare(sqlText);
    connection.control.set(sqlText, statement);
  }
  statement.run();
}

const writeFrame = new AsyncLocalStorage<WriteFrame>();

function openFrame(): WriteFrame | undefined {
  const frame = writeFrame.getStore();
  return frame?.transaction.open ? frame : undefined;
}

/** The connection reads use now: the open write's, else the read connection. */
function readingConnection(): Connection {
  return openFrame()?.connection ?? current().read;
}

/** Runs `work` with a handle on committed data (or, inside a `write`, on that write's own). */
export async function read<T>(work: (db: Db) => T | Promise<T>): Promise<T> {
  return work(readingConnection().db);
}

/**
 * Runs `work` in one transaction (see the module's comment) and returns its result once committed.
 * Throws SQLite's busy error (see `isDatabaseBusy`) when the write lock cannot be had in time.
 */
export function write<T>(work: (db: Db, changed: ChangedPages) => T | Promise<T>): Promise<T> {
  return runWrite(work, false);
}

/**
 * `write` for a write that changes only what no visitor's page reads (sessions, rate-limit counters,
 * notifications, email, job leases), or view counts, which cached pages may show late (#12): no
 * cached page goes.
 */
export function writeUnseenByVisitors<T>(work: (db: Db) => T | Promise<T>): Promise<T> {
  return runWrite(work, true);
}

/**
 * Runs `work` in the transaction of the `write` around the caller, which declares what it changed:
 * for helpers that are only ever part of a caller's write. Throws outside a write.
 */
export async function inWrite<T>(work: (db: Db) => T | Promise<T>): Promise<T> {
  const frame = openFrame();
  if (!frame) throw new Error("inWrite called outside a write: this helper runs as part of a caller's write");
  return work(frame.connection.db);
}

/**
 * Runs `work` once the outermost `write` around the caller commits (never, if it rolls back): for
 * delivery, which must not happen for a write that did not. Outside a write it runs at once. Its
 * errors are logged: the write it follows has committed.
 */
export function afterCommit(work: () => unknown) {
  const frame = openFrame();
  if (frame) frame.level.afterCommit.push(work);
  else void runAfterCommit([work]);
}

async function runAfterCommit(works: (() => unknown)[]) {
  for (const work of works) {
    try {
      await work();
    } catch (error) {
      log.error("work after a commit failed", { error });
    }
  }
}

// Writes wait here for the one before them: a transaction stays open across its work's awaits.
let writeQueue: Promise<unknown> = Promise.resolve();

function runWrite<T>(work: (db: Db, changed: ChangedPages) => T | Promise<T>, unseenByVisitors: boolean): Promise<T> {
  const frame = openFrame();
  if (frame) {
    // A savepoint; two started side by side from one level take turns.
    const turn = frame.level.nested.then(() => savepoint(frame, work, unseenByVisitors));
    frame.level.nested = turn.catch(() => {});
    return turn;
  }
  const turn = writeQueue.then(() => transaction(work, unseenByVisitors));
  writeQueue = turn.catch(() => {});
  return turn;
}

function newLevel(unseenByVisitors: boolean): WriteLevel {
  return {
    declared: unseenByVisitors,
    everything: false,
    threads: new Set(),
    afterCommit: [],
    nested: Promise.resolve(),
  };
}

function declarations(level: WriteLevel): ChangedPages {
  return {
    thread(id) {
      level.declared = true;
      level.threads.add(id);
    },
  };
}

async function transaction<T>(work: (db: Db, changed: ChangedPages) => T | Promise<T>, unseenByVisitors: boolean) {
  const connection = current().write;
  const { sqlite } = connection;
  const level = newLevel(unseenByVisitors);
  const frame: WriteFrame = { connection, transaction: { open: true }, level, depth: 0 };
  const changesBefore = connection.totalChanges.get() ?? 0;
  try {
    control(connection, "BEGIN IMMEDIATE");
    setStalled(sqlite, false);
  } catch (error) {
    if (isDatabaseBusy(error)) setStalled(sqlite, true);
    throw error;
  }
  let result: T;
  try {
    result = await writeFrame.run(frame, () => work(connection.db, declarations(level)));
    await level.nested; // a nested write started and not awaited still belongs to this transaction
    control(connection, "COMMIT");
  } catch (error) {
    // A nested write the work started and did not await belongs to this transaction: it ends first.
    await level.nested;
    if (sqlite.inTransaction) control(connection, "ROLLBACK");
    throw error;
  } finally {
    frame.transaction.open = false;
    // Rows written here, rolled back or not, are accounted for: see invalidatePagesAfterUntrackedWrites.
    connection.changesInWrites += (connection.totalChanges.get() ?? 0) - changesBefore;
  }
  if (level.everything || !level.declared) invalidatePageCache();
  else if (level.threads.size > 0) invalidateThreadPages(level.threads);
  if (level.afterCommit.length > 0) void runAfterCommit(level.afterCommit);
  return result;
}

async function savepoint<T>(
  enclosing: WriteFrame,
  work: (db: Db, changed: ChangedPages) => T | Promise<T>,
  unseenByVisitors: boolean,
) {
  const { connection } = enclosing;
  // Named by depth: nested writes at one level take turns, so one name per depth is never reused while open.
  const depth = enclosing.depth + 1;
  const name = `hearth_${depth}`;
  const level = newLevel(unseenByVisitors);
  control(connection, `SAVEPOINT ${name}`);
  try {
    const result = await writeFrame.run({ ...enclosing, level, depth }, () => work(connection.db, declarations(level)));
    await level.nested;
    control(connection, `RELEASE ${name}`);
    const parent = enclosing.level;
    parent.everything ||= level.everything || !level.declared;
    for (const id of level.threads) parent.threads.add(id);
    parent.afterCommit.push(...level.afterCommit);
    return result;
  } catch (error) {
    await level.nested;
    control(connection, `ROLLBACK TO ${name}`);
    control(connection, `RELEASE ${name}`);
    throw error;
  }
}

/**
 * Queries built and prepared once per connection by `build` (drizzle otherwise rebuilds a query's
 * SQL from its parts on every run): for the hot pages' fixed-shape queries, with `sql.placeholder`
 * for their values. The returned function gives the set for the connection `read` would use now.
 */
export function preparedPerConnection<T>(build: (db: Db) => T): () => T {
  return () => {
    const connection = readingConnection();
    let queries = connection.prepared.get(build) as T | undefined;
    if (queries === undefined) {
      queries = build(connection.db);
      connection.prepared.set(build, queries);
    }
    return queries;
  };
}

/**
 * SQL drizzle cannot express (FTS5 MATCH, bm25, snippet), run on the connection `read` would use
 * now and compiled through its statement reuse like drizzle's; counted like a drizzle query. For
 * engine-specific files only (search).
 */
export function preparedStatement(sqlText: string) {
  const prepared = readingConnection().sqlite.prepare(sqlText);
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
 * The SQLite connection `read` would use now, for what only SQLite has (registering SQL functions
 * for search). Engine-specific files only.
 */
export function sqliteConnection(): Database.Database {
  return readingConnection().sqlite;
}

/**
 * The write connection in autocommit, for scripts and tests that set up or inspect data directly:
 * never for the app, whose writes go through `write` (this one's changes are caught only by
 * `invalidatePagesAfterUntrackedWrites`).
 */
export function scriptDb(): Db {
  return current().write.db;
}

/** The write connection's SQLite handle, for scripts and tests (see `scriptDb`). */
export function scriptSqlite(): Database.Database {
  return current().write.sqlite;
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
 * The safety net for writes made outside `write` (scripts and test helpers through `scriptDb`, a
 * migration): when the write connection has changed rows outside it since the last look, every cached
 * page goes. The HTTP server looks before the page cache answers a visitor, so no page stored before
 * such a write is served after it.
 */
export function invalidatePagesAfterUntrackedWrites() {
  if (!connections) return;
  const { write } = connections;
  if (write.sqlite.inTransaction) return; // a write is open (and awaiting): it accounts for itself
  const untracked = (write.totalChanges.get() ?? 0) - write.changesInWrites;
  if (untracked === write.untrackedChangesSeen) return;
  write.untrackedChangesSeen = untracked;
  invalidatePageCache();
}

/** Applies the migrations not applied yet (on the write connection). */
export function migrateDatabase() {
  migrate(current().write.db, { migrationsFolder: migrationsFolder() });
}

export function closeDatabase() {
  connections?.read.sqlite.close();
  connections?.write.sqlite.close();
  connections = null;
}
