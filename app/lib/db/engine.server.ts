/**
 * What `app/lib/db.server.ts` asks of a database engine (SQLite in ./sqlite.server.ts, PostgreSQL in
 * ./postgres.server.ts). The contract the models use (read, write, savepoints, afterCommit, the page
 * cache) lives in db.server once; an engine only opens connections and transactions.
 */
import type { SQL } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { DatabaseEngine } from "../env.server";

/**
 * The handle every query is built on. It is typed as SQLite's; on PostgreSQL it is drizzle's
 * node-postgres database over the twin tables, which builds the same queries (db/schema.ts). It has
 * no relational `db.query` API: queries are written with the builders, which both engines share.
 */
export type Db = BetterSQLite3Database;

/** A connection as the contract sees it: its drizzle handle and the queries prepared on it (`preparedPerConnection`). */
export type Handle = { db: Db; prepared: Map<unknown, unknown> };

/**
 * `keepPrepared`: the query's text is one of a few fixed shapes (no list of varying length), so the
 * engine may keep it prepared on each connection (PostgreSQL names it, as `preparedPerConnection`'s).
 */
export type RawQueryOptions = { keepPrepared?: boolean };

/** An open transaction on a connection of its own. */
export type Transaction = Handle & {
  /** Runs a transaction-control statement (SAVEPOINT, RELEASE, ROLLBACK TO) in it. */
  control(statement: string): void | Promise<void>;
  /**
   * Ends it; the connection goes back to the engine either way. Each sends its statement before it
   * returns (synchronously), so the next write may begin at once: the engine's write lock orders it
   * after this one.
   */
  commit(): void | Promise<void>;
  rollback(): void | Promise<void>;
};

export type Engine = {
  name: DatabaseEngine;
  /** Where the data is, for start-up and scripts: a file, or a server and database (never a password). */
  location(): string;
  /** The handle reads outside a write use. */
  reader(): Handle;
  /**
   * Opens a write transaction holding the engine's write lock, which serializes writes across
   * processes (the in-process order is db.server's). Throws what `isUnavailable` recognises when
   * the lock or the database cannot be had in time.
   */
  begin(): Promise<Transaction>;
  /** Runs `build` on `handle`'s drizzle handle for `preparedPerConnection` (PostgreSQL names the statements it prepares). */
  buildPrepared<T>(handle: Handle, build: (db: Db) => T): T;
  /** The rows of SQL drizzle's builders cannot express, as plain objects (no column mapping). */
  rawRows<T>(db: Db, query: SQL, options?: RawQueryOptions): Promise<T[]>;
  /** Runs SQL drizzle's builders cannot express, for its effect. */
  rawRun(db: Db, query: SQL): Promise<void>;
  /**
   * Runs write statements that do not depend on one another's effects, in one round trip where the
   * engine talks over a network; the rows of the last one (plain objects) when `rows`, else none.
   */
  runTogether(db: Db, statements: SQL[], rows: boolean): Promise<unknown[]>;
  /** A handle in autocommit, outside `write`, for scripts and tests. */
  scriptDb(): Db;
  /** True when rows were changed through `scriptDb` since the last call (the page cache then empties). */
  takeUntrackedChanges(): boolean;
  /** True for errors that mean "not now": the database is locked, busy or unreachable (HTTP 503 + Retry-After). */
  isUnavailable(error: unknown): boolean;
  migrate(): Promise<void>;
  /** How many migrations the database has applied (health check). */
  appliedMigrations(): Promise<number>;
  close(): Promise<void>;
};

let queriesRun = 0;

/** Called by the engines' query loggers for every statement a model sends. */
export function countQuery() {
  queriesRun += 1;
}

export function queriesRunSoFar() {
  return queriesRun;
}
