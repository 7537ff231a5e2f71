/**
 * All database access: `read` and `write`, the contract every engine implements (SQLite by default,
 * PostgreSQL when `DATABASE_URL` is set: app/lib/db/).
 *
 * - `read(work)` runs `work` with a handle that sees committed data: a connection of its own, or,
 *   inside a `write`, that write's own transaction (so a write reads what it wrote). Each statement
 *   sees the latest commit (READ COMMITTED): a read never sees another request's uncommitted writes.
 * - `write(work)` runs `work` in one transaction on a connection of its own: writes are serialized
 *   within the process (one at a time, in arrival order) and across processes by the engine's write
 *   lock, taken up front, so a read-then-write never upgrades its lock halfway. A `write` inside a
 *   `write` is a savepoint. Once the outermost one commits, the visitors' pages it declared changed
 *   (`ChangedPages`) are dropped before anything else runs, then its `afterCommit` work (delivery)
 *   runs; a rolled-back write's never does.
 * - `inWrite(work)` is for helpers that are only ever part of a caller's write (counters, audit rows,
 *   state kept in step): they run in that write's transaction, and fail loudly outside one.
 * - When the database cannot be had in time (locked by another process, unreachable), the error is
 *   `isDatabaseUnavailable`, which the HTTP layer answers with 503 + Retry-After.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type Database from "better-sqlite3";
import type { SQL, SQLWrapper } from "drizzle-orm";
import { databaseEngine } from "./env.server";
import { log } from "./log.server";
import { invalidatePageCache, invalidateThreadPages } from "./page-cache.server";
import {
  countQuery,
  queriesRunSoFar,
  type Db,
  type Engine,
  type Handle,
  type RawQueryOptions,
  type Transaction,
} from "./db/engine.server";
import { postgresEngine } from "./db/postgres.server";
import { scriptSqliteConnection, sqliteEngine, sqliteOf } from "./db/sqlite.server";

export { hasRankExtension } from "./db/sqlite.server";

export type { Db } from "./db/engine.server";

// Chosen once, like the tables (db/schema.ts).
const engine: Engine = databaseEngine() === "postgres" ? postgresEngine : sqliteEngine;

/** The engine in use and where its data is, for start-up and scripts (never a password). */
export function databaseDescription() {
  return { engine: engine.name, database: engine.location() };
}

/** How many queries `work` sent (drizzle's and prepared ones): lets tests hold pages to a fixed query count. */
export async function countQueries(work: () => unknown): Promise<number> {
  const before = queriesRunSoFar();
  await work();
  return queriesRunSoFar() - before;
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

/** What a 503 for an unavailable database tells clients to wait, in seconds. */
export const DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

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
type WriteFrame = { transaction: Transaction; state: { open: boolean }; level: WriteLevel; depth: number };

const writeFrame = new AsyncLocalStorage<WriteFrame>();

function openFrame(): WriteFrame | undefined {
  const frame = writeFrame.getStore();
  return frame?.state.open ? frame : undefined;
}

/** The handle reads use now: the open write's, else the engine's reader. */
function readingHandle(): Handle {
  return openFrame()?.transaction ?? engine.reader();
}

/** Runs `work` with a handle on committed data (or, inside a `write`, on that write's own). */
export async function read<T>(work: (db: Db) => T | Promise<T>): Promise<T> {
  return work(readingHandle().db);
}

/**
 * Runs `work` in one transaction (see the module's comment) and returns its result once committed.
 * Throws an `isDatabaseUnavailable` error when the write lock or the database cannot be had in time.
 */
export function write<T>(work: (db: Db, changed: ChangedPages) => T | Promise<T>): Promise<T> {
  return runWrite(work, false);
}

/**
 * `write` for a write that changes only what no visitor's page reads (sessions, rate-limit counters,
 * notifications, email, job leases), or view counts and badges, which cached pages may show late
 * (#12): no cached page goes.
 */
export function writeUnseenByVisitors<T>(work: (db: Db) => T | Promise<T>): Promise<T> {
  return runWrite(work, true);
}

/**
 * `work` as part of the `write` around the caller when there is one (no savepoint: for one statement,
 * which fails or succeeds whole), else in a `writeUnseenByVisitors` of its own.
 */
export function writeUnseenByVisitorsOrJoin<T>(work: (db: Db) => T | Promise<T>): Promise<T> {
  const frame = openFrame();
  return frame ? Promise.resolve(work(frame.transaction.db)) : writeUnseenByVisitors(work);
}

/**
 * Runs `work` in the transaction of the `write` around the caller, which declares what it changed:
 * for helpers that are only ever part of a caller's write. Throws outside a write.
 */
export async function inWrite<T>(work: (db: Db) => T | Promise<T>): Promise<T> {
  const frame = openFrame();
  if (!frame) throw new Error("inWrite called outside a write: this helper runs as part of a caller's write");
  return work(frame.transaction.db);
}

/**
 * Runs `work` once the outermost `write` around the caller commits (never, if it rolls back): for
 * delivery, which must not happen for a write that did not. Outside a write it runs at once. Its
 * errors are logged: the write it follows has committed.
 */
export function afterCommit(work: () => unknown) {
  const frame = openFrame();
  if (frame) frame.level.afterCommit.push(work);
  else runAfterCommit([work]);
}

// Work after commits still running, so tests can wait for it (`afterCommitWorkDone`).
const runningAfterCommit = new Set<Promise<void>>();

function runAfterCommit(works: (() => unknown)[]) {
  const running = (async () => {
    for (const work of works) {
      try {
        await work();
      } catch (error) {
        log.error("work after a commit failed", { error });
      }
    }
  })();
  runningAfterCommit.add(running);
  void running.finally(() => runningAfterCommit.delete(running));
}

/**
 * Resolves once no work after a commit is running, including work that such work started. For tests
 * that count queries or compare state: on a database over the network that work overlaps what runs next.
 */
export async function afterCommitWorkDone() {
  while (runningAfterCommit.size > 0) await Promise.all(runningAfterCommit);
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
  // The next write's turn comes once this one has sent its COMMIT (or ROLLBACK), not once that is
  // acknowledged: the engine's write lock orders the two, and on PostgreSQL the next BEGIN then
  // waits in the server, not a round trip behind (DECISIONS.md #70).
  let turnOver!: () => void;
  const nextTurn = new Promise<void>((resolve) => (turnOver = resolve));
  const turn = writeQueue.then(() => transaction(work, unseenByVisitors, turnOver));
  writeQueue = nextTurn;
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

async function transaction<T>(
  work: (db: Db, changed: ChangedPages) => T | Promise<T>,
  unseenByVisitors: boolean,
  turnOver: () => void,
) {
  let open: Transaction;
  try {
    open = await engine.begin();
  } catch (error) {
    turnOver();
    throw error;
  }
  const level = newLevel(unseenByVisitors);
  const frame: WriteFrame = { transaction: open, state: { open: true }, level, depth: 0 };
  let result: T;
  try {
    result = await writeFrame.run(frame, () => work(open.db, declarations(level)));
    await level.nested; // a nested write started and not awaited still belongs to this transaction
    // From here on, a statement the work started late (a continuation nobody awaited) goes outside
    // this write instead of behind its COMMIT on a connection about to go back to the pool.
    frame.state.open = false;
    const committing = open.commit(); // sent before it returns (the Engine's contract)
    turnOver();
    await committing;
  } catch (error) {
    // A nested write the work started and did not await belongs to this transaction: it ends first.
    await level.nested;
    frame.state.open = false;
    const rollingBack = open.rollback();
    turnOver();
    await rollingBack;
    throw error;
  } finally {
    frame.state.open = false;
    turnOver();
  }
  if (level.everything || !level.declared) invalidatePageCache();
  else if (level.threads.size > 0) invalidateThreadPages(level.threads);
  if (level.afterCommit.length > 0) runAfterCommit(level.afterCommit);
  return result;
}

async function savepoint<T>(
  enclosing: WriteFrame,
  work: (db: Db, changed: ChangedPages) => T | Promise<T>,
  unseenByVisitors: boolean,
) {
  const { transaction: open } = enclosing;
  // Named by depth: nested writes at one level take turns, so one name per depth is never reused while open.
  const depth = enclosing.depth + 1;
  const name = `hearth_${depth}`;
  const level = newLevel(unseenByVisitors);
  await open.control(`SAVEPOINT ${name}`);
  try {
    const result = await writeFrame.run({ ...enclosing, level, depth }, () => work(open.db, declarations(level)));
    await level.nested;
    await open.control(`RELEASE ${name}`);
    const parent = enclosing.level;
    parent.everything ||= level.everything || !level.declared;
    for (const id of level.threads) parent.threads.add(id);
    parent.afterCommit.push(...level.afterCommit);
    return result;
  } catch (error) {
    await level.nested;
    await open.control(`ROLLBACK TO ${name}`);
    await open.control(`RELEASE ${name}`);
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
    const handle = readingHandle();
    let queries = handle.prepared.get(build) as T | undefined;
    if (queries === undefined) {
      queries = engine.buildPrepared(handle, build);
      handle.prepared.set(build, queries);
    }
    return queries;
  };
}

/**
 * The rows of SQL drizzle's builders cannot express (a query written for both engines), as plain
 * objects: no column mapping, so times come back as epoch milliseconds.
 */
export function rawRows<T>(db: Db, query: SQL, options?: RawQueryOptions): Promise<T[]> {
  return engine.rawRows<T>(db, query, options);
}

/** Runs SQL drizzle's builders cannot express (written for both engines), for its effect. */
export function rawRun(db: Db, query: SQL): Promise<void> {
  return engine.rawRun(db, query);
}

/**
 * Runs write statements (drizzle's builders, unawaited, or SQL) that do not depend on one another's
 * effects, in one round trip on PostgreSQL, where each statement of a write is one made while
 * holding the write lock (DECISIONS.md #70); SQLite runs them one after another. On PostgreSQL they
 * run as one statement on one snapshot, so none may read or change what another one writes. Each
 * must be one of a few fixed shapes (no list of varying length): the whole stays prepared.
 */
export async function runTogether(db: Db, statements: SQLWrapper[]): Promise<void> {
  await engine.runTogether(
    db,
    statements.map((statement) => statement.getSQL()),
    false,
  );
}

/** `runTogether`, returning the last statement's rows (its `returning`, unmapped: as `rawRows`). */
export async function rawRowsTogether<T>(db: Db, statements: SQLWrapper[]): Promise<T[]> {
  return (await engine.runTogether(
    db,
    statements.map((statement) => statement.getSQL()),
    true,
  )) as T[];
}

function sqliteOnly(what: string) {
  if (engine.name !== "sqlite") throw new Error(`${what} is SQLite's; this process runs on ${engine.name}`);
}

/**
 * SQL drizzle cannot express (FTS5 MATCH, bm25, snippet), run on the SQLite connection `read` would
 * use now and compiled through its statement reuse like drizzle's; counted like a drizzle query.
 * For SQLite-specific files only (search).
 */
export function preparedStatement(sqlText: string) {
  sqliteOnly("preparedStatement");
  const prepared = sqliteOf(readingHandle()).prepare(sqlText);
  const counted =
    <R>(run: (...params: unknown[]) => R) =>
    (...params: unknown[]) => {
      countQuery();
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
 * for search). SQLite-specific files only.
 */
export function sqliteConnection(): Database.Database {
  sqliteOnly("sqliteConnection");
  return sqliteOf(readingHandle());
}

/**
 * A handle in autocommit, for scripts and tests that set up or inspect data directly: never for the
 * app, whose writes go through `write` (these changes are caught only by
 * `invalidatePagesAfterUntrackedWrites`).
 */
export function scriptDb(): Db {
  return engine.scriptDb();
}

/** The write connection's SQLite handle, for SQLite's scripts and tests (see `scriptDb`). */
export function scriptSqlite(): Database.Database {
  sqliteOnly("scriptSqlite");
  return scriptSqliteConnection();
}

/** True when the database cannot be had now: locked by another process past the wait, or unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return engine.isUnavailable(error);
}

/**
 * The safety net for writes made outside `write` (scripts and test helpers through `scriptDb`, a
 * migration): when rows changed outside it since the last look, every cached page goes. The HTTP
 * server looks before the page cache answers a visitor, so no page stored before such a write is
 * served after it.
 */
export function invalidatePagesAfterUntrackedWrites() {
  if (engine.takeUntrackedChanges()) invalidatePageCache();
}

/** Applies the engine's migrations not applied yet. */
export function migrateDatabase(): Promise<void> {
  return engine.migrate();
}

/** How many migrations the database has applied (the health check compares it with the journal). */
export function appliedMigrationCount(): Promise<number> {
  return engine.appliedMigrations();
}

export function closeDatabase(): Promise<void> {
  return engine.close();
}
