/**
 * The two engines `npm run bench` measures, and the little raw SQL it runs on them itself (the
 * hot thread's watchers, the mail job's members, counts the app's code must not compute for its
 * own check). A database is a `BenchDatabase`: which engine, and the environment that points the
 * app at it (`DATABASE_PATH` or `DATABASE_URL`). SQL is written once, with `?` placeholders, in the
 * subset both engines read the same; `openBenchDb` runs it on either.
 * PostgreSQL runs on a cluster of the bench's own (db/pg-cluster.sh), started durable: fsync and
 * full-page writes on, synchronous_commit off, the guarantee SQLite's WAL gives with
 * synchronous=NORMAL (see README, Benchmarks). The seeded SQLite community is copied into it with
 * `npm run db:copy`; a run that asks for PostgreSQL and cannot start one fails, saying why.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

export type EngineName = "sqlite" | "postgres";
export type BenchDatabase = { engine: EngineName; location: string; env: Record<string, string | undefined> };

const ENGINE_NAMES: EngineName[] = ["sqlite", "postgres"];

/** BENCH_ENGINES: `sqlite`, `postgres` or both (the default), comma-separated, in the order measured. */
export function benchEngines(value = process.env.BENCH_ENGINES ?? "sqlite,postgres"): EngineName[] {
  const names = value.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !ENGINE_NAMES.includes(name as EngineName));
  if (unknown.length > 0 || names.length === 0)
    throw new Error(`BENCH_ENGINES takes sqlite, postgres or sqlite,postgres, not "${value}"`);
  return ENGINE_NAMES.filter((name) => names.includes(name));
}

export const engineLabel = (engine: EngineName) => (engine === "sqlite" ? "SQLite" : "PostgreSQL");

export function sqliteDatabase(file: string): BenchDatabase {
  // DATABASE_URL would win over DATABASE_PATH: it must be unset for SQLite.
  return { engine: "sqlite", location: file, env: { DATABASE_PATH: file, DATABASE_URL: undefined } };
}

export function postgresDatabase(url: string): BenchDatabase {
  return { engine: "postgres", location: url, env: { DATABASE_URL: url } };
}

/** `process.env` with the app pointed at `database`. */
export function envFor(database: BenchDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const [name, value] of Object.entries(database.env)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Raw SQL on a bench database; `?` placeholders on both engines. */
export type BenchDb = {
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  get<T>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  run(sql: string, ...params: unknown[]): Promise<void>;
  /** `work` in one transaction (on SQLite its statements are synchronous, so nothing else runs in between). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/** `?` → `$1, $2, …` (the bench's SQL has no `?` inside string literals). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export async function openBenchDb(database: BenchDatabase, { readonly = false } = {}): Promise<BenchDb> {
  if (database.engine === "sqlite") {
    const sqlite = new Database(database.location, { readonly });
    return {
      all: async <T>(sql: string, ...params: unknown[]) => {
        const statement = sqlite.prepare(sql);
        if (statement.reader) return statement.all(...params) as T[];
        statement.run(...params);
        return [];
      },
      get: async <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T | undefined,
      run: async (sql, ...params) => {
        sqlite.prepare(sql).run(...params);
      },
      async transaction(work) {
        sqlite.exec("BEGIN IMMEDIATE");
        try {
          const result = await work();
          sqlite.exec("COMMIT");
          return result;
        } catch (error) {
          sqlite.exec("ROLLBACK");
          throw error;
        }
      },
      close: async () => {
        sqlite.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: database.location });
  await client.connect();
  if (readonly) await client.query("SET default_transaction_read_only = on");
  // Counts come back as int8: numbers, as SQLite gives them.
  const rows = async <T>(sql: string, params: unknown[]) =>
    (
      await client.query({
        text: numbered(sql),
        values: params,
        types: { getTypeParser: (oid, format) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) },
      })
    ).rows as T[];
  return {
    all: (sql, ...params) => rows(sql, params),
    get: async <T>(sql: string, ...params: unknown[]) => (await rows<T>(sql, params))[0],
    run: async (sql, ...params) => {
      await rows(sql, params);
    },
    async transaction(work) {
      await client.query("BEGIN");
      try {
        const result = await work();
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    close: () => client.end(),
  };
}

/**
 * A copy of `database` named `name`: SQLite's online backup into `dir`, or PostgreSQL's
 * `CREATE DATABASE … TEMPLATE`, which needs nobody connected to the source (no server running on it).
 */
export async function cloneDatabase(database: BenchDatabase, name: string, dir: string): Promise<BenchDatabase> {
  if (database.engine === "sqlite") {
    const copy = path.join(dir, `${name}-${path.basename(database.location)}`);
    removeSqliteFiles(copy);
    const source = new Database(database.location, { readonly: true });
    try {
      await source.backup(copy);
    } finally {
      source.close();
    }
    fs.chmodSync(copy, 0o600); // as the server makes its own database files (it warns otherwise)
    return sqliteDatabase(copy);
  }
  const source = new URL(database.location);
  const copyName = `${source.pathname.slice(1)}_${name.replace(/\W/g, "_")}`;
  await dropDatabase(postgresDatabase(withDatabase(database.location, copyName)));
  await onMaintenanceDatabase(database.location, (client) =>
    client.query(`CREATE DATABASE "${copyName}" TEMPLATE "${source.pathname.slice(1)}"`),
  );
  return postgresDatabase(withDatabase(database.location, copyName));
}

export async function dropDatabase(database: BenchDatabase) {
  if (database.engine === "sqlite") return removeSqliteFiles(database.location);
  const name = new URL(database.location).pathname.slice(1);
  await onMaintenanceDatabase(database.location, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
}

/** A new, empty PostgreSQL database `name` on the server of `url` (dropped first if it was there). */
export async function createEmptyDatabase(url: string, name: string): Promise<BenchDatabase> {
  const database = postgresDatabase(withDatabase(url, name));
  await dropDatabase(database);
  await onMaintenanceDatabase(url, (client) => client.query(`CREATE DATABASE "${name}"`));
  return database;
}

/**
 * Brings a freshly copied PostgreSQL database to the state a running community's is in: vacuumed
 * (hint bits set, visibility map built, so autovacuum has nothing to catch up on while a scenario
 * is measured) and checkpointed (the copy's WAL written out, so no checkpoint spreads its writes
 * over the first scenarios).
 */
export async function settlePostgres(database: BenchDatabase) {
  const client = new pg.Client({ connectionString: database.location });
  await client.connect();
  try {
    await client.query("VACUUM (ANALYZE)");
    await client.query("CHECKPOINT");
  } finally {
    await client.end();
  }
}

function removeSqliteFiles(file: string) {
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
}

function withDatabase(url: string, name: string) {
  const changed = new URL(url);
  changed.pathname = `/${name}`;
  return changed.toString();
}

/** `work` on the server's `postgres` database (creating or dropping another needs a connection elsewhere). */
async function onMaintenanceDatabase(url: string, work: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL cluster for this run (db/pg-cluster.sh), durable as a production server; `stop`
 * removes it. Throws, with the script's own message, when it cannot start (no server binaries and
 * not root to install them, say).
 */
export function startPostgresCluster(root: string) {
  let output: string;
  try {
    output = execFileSync("bash", [path.join(root, "db/pg-cluster.sh"), "start"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, PG_DURABLE: "1", PG_SYNCHRONOUS_COMMIT: "off" },
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `BENCH_ENGINES asks for PostgreSQL, but no PostgreSQL server could be started: ${stderr || String(error)}`,
    );
  }
  const folder = /^folder=(.*)$/m.exec(output)?.[1];
  const url = /^url=(.*)$/m.exec(output)?.[1];
  if (!folder || !url) throw new Error(`db/pg-cluster.sh start printed no folder and URL: ${output}`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    execFileSync("bash", [path.join(root, "db/pg-cluster.sh"), "stop", folder], { stdio: "ignore" });
  };
  return { url, folder, stop };
}

/**
 * Copies the SQLite community in `file` into the empty PostgreSQL database `to` with
 * `npm run db:copy` (migrates it, copies every table, rebuilds the search index, verifies).
 */
export function copyToPostgres(root: string, file: string, to: BenchDatabase) {
  const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts ?? {};
  if (!scripts["db:copy"])
    throw new Error("npm run db:copy is missing from this checkout: PostgreSQL's copy of the community cannot be made");
  execFileSync("npm", ["run", "--silent", "db:copy", "--", "--from", file, "--to", to.location], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
}
