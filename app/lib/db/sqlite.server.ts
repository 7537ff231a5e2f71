/**
 * The SQLite engine (the embedded default): one file, a read connection and a write connection.
 *
 * WAL lets readers run beside the single writer; synchronous=NORMAL skips the fsync per commit (an
 * application crash loses nothing; a power cut can lose the last moments: see README "Durability");
 * busy_timeout makes a writer wait for another process's lock instead of failing; `PRAGMA optimize`
 * at open keeps the planner's statistics fresh. The read connection is query_only: a write that
 * bypasses `write` fails loudly instead of slipping past the page cache. Writes take SQLite's lock up
 * front (BEGIN IMMEDIATE), so a read-then-write never upgrades its lock halfway and fails with
 * SQLITE_BUSY.
 * Another process can hold the lock (a second server, `kb:sync`, an `sqlite3` session). SQLite's own
 * busy wait would block this whole process, so a write waits for the lock between tries, off the
 * event loop (`takeWriteLock`): pages are served meanwhile. Past the wait limit that is
 * `isUnavailable`, which the HTTP layer answers with 503 + Retry-After; after one write gave up, the
 * next ones wait only briefly until a write gets through again: one stall, not one per request.
 * The folder is created 0700 and the database, its -wal and -shm 0600 (SQLite gives the last two
 * the database file's mode): the file holds password hashes and session ids.
 */
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { databasePath, migrationsFolder, projectRoot } from "../env.server";
import { log } from "../log.server";
import { countQuery, type Engine, type Handle, type Transaction } from "./engine.server";

/** A connection: its handle, with the SQLite connection under it (search registers functions on it). */
export type SqliteHandle = Handle & {
  sqlite: Database.Database;
  /** BEGIN, COMMIT, SAVEPOINT…: compiled once each (`control`). */
  controlStatements: Map<string, Database.Statement>;
};

type WriteConnection = SqliteHandle & {
  totalChanges: Database.Statement<[], number>;
  /** Rows changed inside `write` since the connection opened; SQLite's total_changes() counts every row. */
  changesInWrites: number;
  /** Rows changed outside `write` as of the last look (`takeUntrackedChanges`). */
  untrackedChangesSeen: number;
};

let connections: { read: SqliteHandle; write: WriteConnection } | null = null;

// How long a write waits for another process's lock: 5 s, or 100 ms once one write gave up (until
// one gets through). Scripts' statements outside `write` keep SQLite's busy wait, of BUSY_TIMEOUT_MS.
const BUSY_TIMEOUT_MS = 5_000;
const BUSY_TIMEOUT_WHILE_STALLED_MS = 100;
// The pause between tries for the lock doubles from 1 ms up to this (SQLite's own goes to 100 ms).
const LOCK_RETRY_MAX_PAUSE_MS = 25;
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

/** Whether connections have hearth_bm25 (db/sqlite/hearth_rank.c): unknown until the first opens. */
let rankExtension: "loaded" | "missing" | undefined;

/**
 * Loads the search ranking function (DECISIONS.md #86) into a connection. Built by `npm ci` and
 * `npm run build`; when it is missing or does not load, search ranks with FTS5's bm25, said once.
 */
function loadRankExtension(sqlite: Database.Database) {
  if (rankExtension === "missing") return;
  const file = path.resolve(
    projectRoot(),
    "db/sqlite/build",
    process.platform === "darwin" ? "hearth_rank.dylib" : "hearth_rank.so",
  );
  try {
    // Its entry point, sqlite3_hearthrank_init, is the one SQLite derives from the file name.
    sqlite.loadExtension(file);
    rankExtension = "loaded";
  } catch (error) {
    rankExtension = "missing";
    log.warn(
      "search ranks with FTS5's bm25: the ranking extension did not load (npm run build makes it; it needs a C compiler)",
      {
        file,
        error,
      },
    );
  }
}

/** Whether search can rank with hearth_bm25 (every connection has it, or none). */
export const hasRankExtension = () => rankExtension === "loaded";

function connect(file: string, { readOnly }: { readOnly: boolean }): SqliteHandle {
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
  loadRankExtension(sqlite);
  return {
    sqlite,
    db: drizzle(sqlite, { logger: { logQuery: countQuery } }),
    prepared: new Map(),
    controlStatements: new Map(),
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
  return {
    read,
    write: { ...write, totalChanges, changesInWrites: 0, untrackedChangesSeen: 0 },
  };
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

/** Runs a transaction-control statement (compiled once per connection: every write runs two or more). */
function control(connection: SqliteHandle, sqlText: string) {
  let statement = connection.controlStatements.get(sqlText);
  if (!statement) {
    statement = connection.sqlite.prepare(sqlText);
    connection.controlStatements.set(sqlText, statement);
  }
  statement.run();
}

const BUSY_CODES = /^SQLITE_(BUSY|LOCKED)(_|$)/;

/** True when SQLite gave up waiting for a lock (drizzle wraps its errors, so the causes are searched). */
function isBusy(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof Database.SqliteError && BUSY_CODES.test(cause.code)) return true;
  }
  return false;
}

function setStalled(value: boolean) {
  if (stalled === value) return;
  stalled = value;
  if (value)
    log.warn("database busy: another connection held the write lock past the busy timeout", {
      busyTimeoutMs: BUSY_TIMEOUT_MS,
    });
  else log.info("database writable again");
}

/**
 * BEGIN IMMEDIATE, tried again after a pause while another process holds the lock, up to the
 * busy timeout; the pauses are timers, so the process serves other requests meanwhile (writes in
 * this process wait their turn behind this one in db.server). Throws SQLite's busy error past it.
 */
async function takeWriteLock(connection: WriteConnection) {
  const deadline = Date.now() + (stalled ? BUSY_TIMEOUT_WHILE_STALLED_MS : BUSY_TIMEOUT_MS);
  let pauseMs = 1;
  for (;;) {
    // SQLite's own busy wait (which would block) is off for the try. Not a compiled statement:
    // SQLite sets busy_timeout when it compiles the PRAGMA, not when it runs it.
    connection.sqlite.exec("PRAGMA busy_timeout = 0");
    try {
      control(connection, "BEGIN IMMEDIATE");
      return;
    } catch (error) {
      const waitLeftMs = deadline - Date.now();
      if (!isBusy(error) || waitLeftMs <= 0) throw error;
      pauseMs = Math.min(pauseMs, waitLeftMs);
    } finally {
      // A connection closed during the wait (shutdown) is left alone: its own error is the one to report.
      if (connection.sqlite.open) connection.sqlite.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    await sleep(pauseMs);
    pauseMs = Math.min(pauseMs * 2, LOCK_RETRY_MAX_PAUSE_MS);
  }
}

async function begin(): Promise<Transaction> {
  const connection = current().write;
  const { sqlite } = connection;
  try {
    await takeWriteLock(connection);
    setStalled(false);
  } catch (error) {
    if (isBusy(error)) setStalled(true);
    throw error;
  }
  const changesBefore = connection.totalChanges.get() ?? 0;
  // Rows written here, rolled back or not, are accounted for: see takeUntrackedChanges.
  const accountForChanges = () => {
    connection.changesInWrites += (connection.totalChanges.get() ?? 0) - changesBefore;
  };
  const transaction: Transaction & { sqlite: Database.Database } = {
    db: connection.db,
    prepared: connection.prepared,
    sqlite,
    control: (statement) => control(connection, statement),
    commit() {
      control(connection, "COMMIT");
      accountForChanges();
    },
    rollback() {
      try {
        if (sqlite.inTransaction) control(connection, "ROLLBACK");
      } finally {
        accountForChanges();
      }
    },
  };
  return transaction;
}

export const sqliteEngine: Engine = {
  name: "sqlite",
  location: () => databasePath(),
  reader: () => current().read,
  begin,
  buildPrepared: (handle, build) => build(handle.db),
  rawRows: async (db, query) => db.all(query),
  rawRun: async (db, query) => {
    db.run(query);
  },
  // Calls into the file, not round trips: one after another.
  runTogether: async (db, statements, rows) => {
    for (const statement of statements.slice(0, -1)) db.run(statement);
    const last = statements[statements.length - 1];
    if (rows) return db.all(last);
    db.run(last);
    return [];
  },
  scriptDb: () => current().write.db,
  takeUntrackedChanges() {
    if (!connections) return false;
    const { write } = connections;
    if (write.sqlite.inTransaction) return false; // a write is open (and awaiting): it accounts for itself
    const untracked = (write.totalChanges.get() ?? 0) - write.changesInWrites;
    if (untracked === write.untrackedChangesSeen) return false;
    write.untrackedChangesSeen = untracked;
    return true;
  },
  isUnavailable: isBusy,
  async migrate() {
    migrate(current().write.db, { migrationsFolder: migrationsFolder() });
  },
  async appliedMigrations() {
    const row = current().read.sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    return row.n;
  },
  async close() {
    connections?.read.sqlite.close();
    connections?.write.sqlite.close();
    connections = null;
  },
};

/** The SQLite connection under a handle (a connection's or an open write's), for what only SQLite has (search). */
export function sqliteOf(handle: Handle): Database.Database {
  return (handle as Handle & { sqlite: Database.Database }).sqlite;
}

/** The write connection's SQLite handle, for scripts and tests. */
export function scriptSqliteConnection(): Database.Database {
  return current().write.sqlite;
}
