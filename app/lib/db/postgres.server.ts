/**
 * The PostgreSQL engine (`DATABASE_URL`): a bounded pool of connections per process.
 *
 * Writes keep SQLite's guarantee that one write runs at a time, across every process on the database:
 * each takes a transaction-scoped advisory lock with its BEGIN, its first statements pipelined
 * behind it (DECISIONS #71), so the models' read-then-write steps (counters, rate limits, leases,
 * round-robin) stay correct with several app servers, as they are with several processes on one
 * SQLite file (DECISIONS #63). Reads run beside writes on other connections and see the latest
 * commit (READ COMMITTED).
 * Waits are bounded: for a connection (`connectionTimeoutMillis`), for the write lock and row locks
 * (`lock_timeout`), for a statement (`statement_timeout`); an idle transaction is ended by the
 * server. Running out of any of them, or an unreachable server, is `isUnavailable`: HTTP answers 503
 * with Retry-After, and the pool connects again on its own once the server is back.
 */
import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import pg from "pg";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { env, migrationsFolder } from "../env.server";
import { log } from "../log.server";
import { countQuery, type Db, type Engine, type Handle, type RawQueryOptions, type Transaction } from "./engine.server";

// node-postgres hands int8 (counts, sums, epoch milliseconds) and numeric back as strings; every
// value of ours fits a double, and the models expect numbers, as SQLite gives them.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

// Advisory lock keys ("Hear" and "Migr" in ASCII), shared by every process on the database.
// Scripts that change the whole database (db:copy) take the write lock too.
export const WRITE_LOCK_KEY = 0x48656172;
const MIGRATION_LOCK = 0x4d696772;
const CONNECT_TIMEOUT_MS = 5_000;
// As long as SQLite's busy timeout: a write waits this long for another process's write.
const LOCK_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 30_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

type State = {
  reads: pg.Pool;
  writes: pg.Pool;
  reader: Handle;
  script: Db;
  /** Each pooled connection's handle, kept so the queries prepared on it are reused by later writes. */
  handles: WeakMap<pg.PoolClient, Handle>;
};

let state: State | null = null;
let untrackedChanges = false;
let unreachable = false;

// Set while `buildPrepared` runs: the statements prepared then get a name (see `nameStatementsWhileBuilding`).
let naming = false;

/** A server-side name for a prepared statement: the same text gets the same name on every connection. */
function statementName(text: string) {
  return `hearth_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
}

/**
 * Drizzle sends a query PostgreSQL parses and plans on every run unless it is prepared with a name;
 * named, node-postgres prepares it once per connection and then only binds values (measured: 0.07 ms
 * against 0.28 ms a point read). The models' `.prepare()` takes no name (it is SQLite's builder
 * type), so the queries built by `preparedPerConnection` are named here, by their text.
 */
function nameStatementsWhileBuilding(db: NodePgDatabase) {
  type PrepareQuery = (
    query: { sql: string },
    fields: unknown,
    name: string | undefined,
    ...rest: unknown[]
  ) => unknown;
  const session = (db as unknown as { session: { prepareQuery: PrepareQuery } }).session;
  const prepareQuery = session.prepareQuery.bind(session);
  session.prepareQuery = (query, fields, name, ...rest) =>
    prepareQuery(query, fields, name ?? (naming ? statementName(query.sql) : undefined), ...rest);
}

/** The node-postgres database under a handle (typed as SQLite's: see Db). */
const pgOf = (db: Db) => db as unknown as NodePgDatabase;

function handleOn(client: pg.Pool | pg.PoolClient): Handle {
  const db = drizzle(client, { logger: { logQuery: countQuery } });
  nameStatementsWhileBuilding(db);
  return { db: db as unknown as Db, prepared: new Map() };
}

/** Where the data is: host, port and database, never the user or password. */
function location() {
  const url = new URL(env("DATABASE_URL")!);
  return `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * How the planner costs a page read at random: as a read from memory (1.1) rather than the default's
 * spinning disk (4). A community's tables and indexes are meant to stay in RAM. With 4, finding the
 * 2,001 newest matches of a word in 3-8 % of the threads walked the primary key through 30,000-60,000
 * rows, testing each row's tsvector (about 1 µs a row), where fetching the word's matches from its GIN
 * index costs a third of that (DECISIONS #102).
 */
const PLANNER_SETTINGS = "-c random_page_cost=1.1";

/** What the read pool's connections add: a write that bypasses `write` fails (see `open`). */
export const READ_ONLY = "-c default_transaction_read_only=on";

/**
 * Settings every connection of ours opens with (bounded waits; see the module's comment). The
 * operator's own server options (`options` in the URL, else PGOPTIONS, as libpq reads them) go
 * between the planner's and `pinned`: node-postgres would let the URL's replace ours whole, so a
 * `?options=-c search_path=…` dropped the planner setting and made the read pool writable.
 */
export function connectionSettings(databaseUrl: string, pinned = ""): pg.PoolConfig {
  const url = new URL(databaseUrl);
  const operators = url.searchParams.get("options") ?? process.env.PGOPTIONS ?? "";
  url.searchParams.delete("options");
  return {
    connectionString: url.toString(),
    options: [PLANNER_SETTINGS, operators, pinned].filter(Boolean).join(" "),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    lock_timeout: LOCK_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    application_name: "hearth",
    keepAlive: true,
  };
}

function watch(pool: pg.Pool) {
  // An idle connection the server closed (a restart, a failover): the pool drops it and opens a new
  // one when next needed. Without a listener the error would end the process.
  pool.on("error", (error) => log.warn("database connection lost while idle", { error, database: location() }));
  pool.on("connect", (client) => {
    // A connection can still hear an error after the pool let go of it (the server ending it while it
    // closes, 57P01 when its database is dropped); unheard, that error would end the process.
    client.on("error", (error) => log.warn("database connection failed", { error, database: location() }));
    if (!unreachable) return;
    unreachable = false;
    log.info("database reachable again", { database: location() });
  });
  return pool;
}

function open(): State {
  // Reads have a pool of their own, read-only as SQLite's read connection is: a write that bypasses
  // `write` fails loudly instead of slipping past the write lock and the page cache. Writes run one
  // at a time per process, so theirs is small: the write in progress, the next one, whose BEGIN
  // waits in the server while the one before commits, and a spare for scripts.
  const reads = watch(
    new pg.Pool({
      ...connectionSettings(env("DATABASE_URL")!, READ_ONLY),
      max: env("DATABASE_POOL_SIZE"),
    }),
  );
  // Pipelined: a statement is sent as soon as the work starts it, behind those still running, and
  // the server runs them in order. So a write's first statements go with its BEGIN (see `begin`), and
  // statements a write starts together (`Promise.all`) share a round trip.
  const writes = watch(
    new pg.Pool({ ...connectionSettings(env("DATABASE_URL")!), max: 3, pipeline: true } as pg.PoolConfig),
  );
  const script = drizzle(writes, {
    logger: {
      logQuery(query) {
        countQuery();
        if (!/^\s*(select|with)\b/i.test(query)) untrackedChanges = true;
      },
    },
  });
  return { reads, writes, reader: handleOn(reads), script: script as unknown as Db, handles: new WeakMap() };
}

function current() {
  state ??= open();
  return state;
}

function noteUnreachable(error: unknown) {
  if (unreachable || !isUnavailable(error)) return;
  unreachable = true;
  log.warn("database unavailable", { error, database: location() });
}

// Connection failures (refused, reset, timed out, name not found) and server states that mean "not
// now": connection exceptions (class 08), shutting down or starting (57P01-57P03), too many
// connections (53300), a lock not had within lock_timeout (55P03), a statement cancelled by
// statement_timeout (57014).
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "55P03",
  "57014",
]);
// node-postgres's own errors carry no code.
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i;

/** True when PostgreSQL cannot be had now (drizzle wraps driver errors, so the causes are searched). */
function isUnavailable(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) return true;
    if (UNAVAILABLE_MESSAGES.test(cause.message)) return true;
    if (cause instanceof AggregateError && cause.errors.some(isUnavailable)) return true;
  }
  return false;
}

async function begin(): Promise<Transaction> {
  const { writes, handles } = current();
  let client: pg.PoolClient;
  try {
    client = await writes.connect();
  } catch (error) {
    noteUnreachable(error);
    throw error;
  }
  // Not awaited: the work's first statements are pipelined behind it. PostgreSQL runs them once the
  // lock is had, each on a snapshot taken when it starts (READ COMMITTED), so they see every write
  // committed before this one, with no round trip between the lock and them. When the BEGIN fails
  // (the lock not had in time, the connection lost), what follows it fails too, and `commit` and
  // `rollback` throw the BEGIN's error, which says why.
  const beginError = client.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`).then(
    () => null,
    (error: unknown) => {
      noteUnreachable(error);
      return error;
    },
  );
  let handle = handles.get(client);
  if (!handle) {
    handle = handleOn(client);
    handles.set(client, handle);
  }
  return {
    ...handle,
    async control(statement) {
      await client.query(statement);
    },
    async commit() {
      // Sent before the first await (pipelined: node-postgres writes it at once).
      const committing = client.query("COMMIT");
      void committing.catch(() => {}); // awaited below unless the BEGIN failed
      const failedBegin = await beginError;
      if (failedBegin) throw failedBegin; // db.server rolls back: `rollback` closes the connection
      const result = await committing;
      // A failed statement aborts the whole transaction, even when the work caught its error; COMMIT
      // then rolls back without an error. A step allowed to fail must run in a nested `write`.
      if (result.command === "ROLLBACK")
        throw new Error(
          "the write was rolled back: a statement in it failed and its error was caught (wrap a step that may fail in a nested write)",
        );
      client.release();
    },
    async rollback() {
      const rollingBack = client.query("ROLLBACK");
      void rollingBack.catch(() => {}); // awaited below unless the BEGIN failed
      const failedBegin = await beginError;
      try {
        if (failedBegin) throw failedBegin;
        await rollingBack;
        client.release();
      } catch (error) {
        client.release(true); // its transaction may be open: the connection is closed, not reused
        throw error;
      }
    },
  };
}

async function rawRows<T>(db: Db, query: SQL, options?: RawQueryOptions) {
  // drizzle builds the statement synchronously, before its first await: named while `naming` is set.
  naming = options?.keepPrepared === true;
  let running;
  try {
    running = pgOf(db).execute(query);
  } finally {
    naming = false;
  }
  return (await running).rows as T[];
}

/**
 * Statements as one: all but the last as data-modifying WITH queries, which PostgreSQL runs to
 * completion whether or not anything reads them, all on the snapshot the statement starts with.
 */
function withQueries(statements: SQL[]) {
  if (statements.length === 1) return statements[0];
  const before = statements.slice(0, -1).map((statement, i) => sql`${sql.raw(`s${i}`)} AS (${statement})`);
  return sql`WITH ${sql.join(before, sql`, `)} ${statements[statements.length - 1]}`;
}

export const postgresEngine: Engine = {
  name: "postgres",
  location,
  reader: () => current().reader,
  begin,
  buildPrepared(handle, build) {
    naming = true;
    try {
      return build(handle.db);
    } finally {
      naming = false;
    }
  },
  rawRows,
  rawRun: async (db, query) => {
    await pgOf(db).execute(query);
  },
  runTogether: (db, statements) => rawRows(db, withQueries(statements), { keepPrepared: true }),
  scriptDb: () => current().script,
  takeUntrackedChanges() {
    const changed = untrackedChanges;
    untrackedChanges = false;
    return changed;
  },
  isUnavailable,
  async migrate() {
    const client = await current().writes.connect();
    try {
      // Migrations may take long on a big database; two processes starting together take turns.
      await client.query("SET statement_timeout = 0; SET lock_timeout = 0");
      await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
      try {
        await migrate(drizzle(client), { migrationsFolder: migrationsFolder() });
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK}); RESET statement_timeout; RESET lock_timeout`);
      }
      client.release();
    } catch (error) {
      client.release(true);
      throw error;
    }
  },
  async appliedMigrations() {
    const result = await current().reads.query<{ n: number }>("SELECT count(*) AS n FROM drizzle.__drizzle_migrations");
    return result.rows[0].n;
  },
  async close() {
    const closing = state;
    state = null;
    await Promise.all([closing?.reads.end(), closing?.writes.end()]);
  },
};
