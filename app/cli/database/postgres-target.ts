/**
 * The PostgreSQL side of `npm run db:copy`: one connection, one transaction for the whole copy
 * (emptying, every table, sequences, verification), holding the app's write lock so no server on
 * the target writes meanwhile; nothing is visible, or left behind, unless all of it succeeded.
 */
import pg from "pg";
import { WRITE_LOCK_KEY } from "~/lib/db/postgres.server";
import type { ColumnKind, CopyTable } from "./copy-plan";

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

const ARRAY_TYPES: Record<ColumnKind, string> = {
  int4: "integer[]",
  int8: "bigint[]",
  boolean: "boolean[]",
  jsonb: "jsonb[]",
  text: "text[]",
};

/**
 * A connection for scripts: no statement or lock timeout (a copy or a check may take minutes), and
 * bigint read as text, exactly as stored (the checksums compare text).
 */
export async function connectPostgres(url: string, purpose: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: `hearth ${purpose}`,
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === pg.types.builtins.INT8 ? (value: string) => value : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  await client.connect();
  await client.query("SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0");
  return client;
}

/** One line for an error reaching or using PostgreSQL (its SQLSTATE says more than node's stack). */
export function postgresProblem(error: unknown, where: string): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ECONNREFUSED") return `cannot reach PostgreSQL at ${where}: connection refused`;
  if (code === "3D000") return `${message} at ${where}: create it first (e.g. createdb), then run this again`;
  if (code === "28P01" || code === "28000") return `PostgreSQL at ${where} refused the credentials: ${message}`;
  const detail = (error as { detail?: string }).detail;
  return `PostgreSQL at ${where}: ${message}${detail ? ` (${detail})` : ""}`;
}

/** Starts the copy's transaction, waiting for any write of a server on the target to finish first. */
export async function beginCopy(client: pg.Client) {
  await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
}

// Rows the migrations themselves insert (db/migrations-pg/0002_first_rows.sql).
const MIGRATION_ROWS = new Set(["moderation_settings", "reply_lexicon"]);

/**
 * The tables holding community data, with their row counts: any row of any table the copy fills,
 * except the settings row and reply-coach phrases the migrations insert, as long as there are no
 * accounts (changing either takes a signed-in member of staff).
 */
export async function communityRows(client: pg.Client, tables: CopyTable[]) {
  const counts = await client.query<{ name: string; rows: string }>(
    tables
      .map((table) => `SELECT '${table.name}' AS name, count(*) AS rows FROM ${quote(table.name)}`)
      .join(" UNION ALL "),
  );
  const held = counts.rows.map((row) => ({ name: row.name, rows: Number(row.rows) })).filter((row) => row.rows > 0);
  const accounts = held.some((row) => row.name === "users");
  return held.filter((row) => accounts || !MIGRATION_ROWS.has(row.name));
}

/**
 * Empties every table the copy fills and the search index's tables, in the copy's transaction.
 * The audit log refuses TRUNCATE by a trigger (its guard); that guard is switched off for the one
 * statement and on again, inside the transaction: no other session ever sees it off, and a failed
 * copy rolls the switch back with everything else. It takes the role that owns the tables.
 */
export async function emptyTarget(client: pg.Client, tables: CopyTable[]) {
  const search = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'search\\_%'",
  );
  const names = [...tables.map((table) => table.name), ...search.rows.map((row) => row.name)];
  // Enabled, user-defined triggers that fire on TRUNCATE (tgtype bit 5).
  const guards = await client.query<{ table: string; trigger: string }>(
    `SELECT c.relname AS table, t.tgname AS trigger FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 32) <> 0
       AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)`,
    [names],
  );
  const each = (verb: string) =>
    guards.rows.map(({ table, trigger }) => `ALTER TABLE ${quote(table)} ${verb} TRIGGER ${quote(trigger)}`).join("; ");
  if (guards.rows.length > 0) await client.query(each("DISABLE"));
  await client.query(`TRUNCATE ${names.map(quote).join(", ")} RESTART IDENTITY`);
  if (guards.rows.length > 0) await client.query(each("ENABLE"));
}

/**
 * Drops the foreign keys and the indexes that back no constraint of `tables` for the load, and
 * returns what puts them back, exactly as they were (`pg_get_indexdef`, `pg_get_constraintdef`),
 * in the same transaction: as pg_restore does, checking every foreign key and building every index
 * once over the loaded rows is several times faster than checking and updating them row by row.
 * A row that breaks one fails the copy when it is put back, naming the key.
 */
export async function setAsideForLoad(client: pg.Client, tables: CopyTable[]) {
  const names = tables.map((table) => table.name);
  const foreignKeys = await client.query<{ table: string; name: string; definition: string }>(
    `SELECT t.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
     WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
     ORDER BY t.relname, c.conname`,
    [names],
  );
  const indexes = await client.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
     ORDER BY i.relname`,
    [names],
  );
  for (const key of foreignKeys.rows)
    await client.query(`ALTER TABLE ${quote(key.table)} DROP CONSTRAINT ${quote(key.name)}`);
  for (const index of indexes.rows) await client.query(`DROP INDEX ${quote(index.name)}`);
  return async function putBack() {
    for (const index of indexes.rows) await client.query(index.definition);
    for (const key of foreignKeys.rows)
      await client.query(`ALTER TABLE ${quote(key.table)} ADD CONSTRAINT ${quote(key.name)} ${key.definition}`);
  };
}

/** The statement inserting one batch: one array per column, unnested into rows (one round trip per batch). */
export function insertStatement(table: CopyTable): string {
  const columns = table.columns.map((column) => quote(column.name)).join(", ");
  const arrays = table.columns.map((column, i) => `$${i + 1}::${ARRAY_TYPES[column.kind]}`).join(", ");
  return `INSERT INTO ${quote(table.name)} (${columns}) SELECT * FROM unnest(${arrays})`;
}

/** Sets a self-referencing column once every row of its table is in (`pairs`: key, value). */
export async function setDeferred(client: pg.Client, table: CopyTable, column: string, pairs: [unknown, unknown][]) {
  if (pairs.length === 0) return;
  const [key] = table.key;
  const kind = table.columns.find((candidate) => candidate.name === column)!.kind;
  for (let start = 0; start < pairs.length; start += 10_000) {
    const slice = pairs.slice(start, start + 10_000);
    await client.query(
      `UPDATE ${quote(table.name)} AS t SET ${quote(column)} = v.value
       FROM unnest($1::${ARRAY_TYPES[key.kind]}, $2::${ARRAY_TYPES[kind]}) AS v(key, value) WHERE t.${quote(key.name)} = v.key`,
      [slice.map((pair) => pair[0]), slice.map((pair) => pair[1])],
    );
  }
}

/** Moves each identity sequence past the copied ids, so the next row the app inserts gets a new one. */
export async function continueIdentities(client: pg.Client, tables: CopyTable[]) {
  for (const table of tables) {
    if (!table.identity) continue;
    const column = quote(table.identity);
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max(${column}), 0) + 1, false) FROM ${quote(table.name)}`,
      [quote(table.name), table.identity],
    );
  }
}

/**
 * The table's rows in its primary key's order, as arrays in the plan's column order, through a
 * cursor (inside the caller's transaction). Text keys order by bytes ("C"), as SQLite's BINARY.
 */
export async function* targetRows(client: pg.Client, table: CopyTable): AsyncGenerator<unknown[][]> {
  const columns = table.columns.map((column) => quote(column.name)).join(", ");
  const order = table.key
    .map(({ name, kind }) => (kind === "text" ? `${quote(name)} COLLATE "C"` : quote(name)))
    .join(", ");
  const cursor = `hearth_copy_${table.name}`;
  await client.query(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${columns} FROM ${quote(table.name)} ORDER BY ${order}`,
  );
  try {
    for (;;) {
      const batch = await client.query({ text: `FETCH FORWARD 5000 FROM ${cursor}`, rowMode: "array" });
      if (batch.rows.length === 0) return;
      yield batch.rows as unknown[][];
    }
  } finally {
    await client.query(`CLOSE ${cursor}`);
  }
}
