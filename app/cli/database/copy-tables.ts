/**
 * The passes of `npm run db:copy` over each table: read the SQLite rows (one snapshot), check and
 * convert every value, send them to PostgreSQL in batches, and hash each row's comparable form in
 * primary-key order; then read the PostgreSQL rows back in the same order and hash them the same
 * way. A table is verified when both row counts and both SHA-256 digests are equal.
 * A value PostgreSQL would refuse stops the inserting, not the reading: the report names every
 * such value (up to a limit per table) before anything is committed.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import type { CopyTable } from "./copy-plan";
import { comparable, fromSqlite, ValueProblem } from "./copy-values";
import { insertStatement, setDeferred, targetRows } from "./postgres-target";
import type { SqliteSource } from "./sqlite-source";

export type TableDigest = { name: string; rows: number; digest: string };

const BATCH_ROWS = 5_000;
// Long posts make some batches heavy: a batch is sent once it holds this many characters of text.
const BATCH_CHARACTERS = 16 * 1024 * 1024;
const PROGRESS_EVERY_MS = 2_000;
const PROBLEMS_SHOWN_PER_TABLE = 10;

/** Values the target would refuse: the first few per table, and how many in all. */
export class Problems {
  readonly shown: string[] = [];
  readonly perTable = new Map<string, number>();

  add(table: CopyTable, key: string, column: string, problem: string) {
    const count = (this.perTable.get(table.name) ?? 0) + 1;
    this.perTable.set(table.name, count);
    if (count <= PROBLEMS_SHOWN_PER_TABLE) this.shown.push(`${table.name} ${key} ${column}: ${problem}`);
  }

  get any() {
    return this.perTable.size > 0;
  }

  report(): string[] {
    const lines = [...this.shown];
    for (const [table, count] of this.perTable)
      if (count > PROBLEMS_SHOWN_PER_TABLE) lines.push(`${table}: ${count} such values in all`);
    return lines;
  }
}

function keyText(table: CopyTable, raw: unknown[]) {
  return table.key
    .map((column) => {
      const value = raw[table.columns.indexOf(column)];
      return `${column.name}=${Buffer.isBuffer(value) ? JSON.stringify(value.toString("utf8")) : String(value)}`;
    })
    .join(",");
}

const thousands = (n: number) => n.toLocaleString("en-US");

/** A progress line at most every 2 s, and one when the table is done. */
function progress(table: CopyTable, total: number, verb: string) {
  const started = Date.now();
  let shownAt = started;
  const line = (done: number) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : done;
    return `  ${verb} ${table.name}: ${thousands(done)} of ${thousands(total)} rows (${total ? Math.floor((done / total) * 100) : 100} %, ${thousands(rate)} rows/s)`;
  };
  return {
    tick(done: number) {
      if (Date.now() - shownAt < PROGRESS_EVERY_MS) return;
      shownAt = Date.now();
      console.log(line(done));
    },
    done(done: number) {
      // Small tables go by without a line each; the summary counts them.
      if (done >= 10_000 || Date.now() - started >= 1_000)
        console.log(`${line(done)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  };
}

/**
 * Reads every row of `table` from the source, hashing its comparable form; with `client`, also
 * inserts it there (unless a problem was found, in this table or before). Returns the source digest.
 */
export async function copyTable(
  source: SqliteSource,
  table: CopyTable,
  problems: Problems,
  client: pg.Client | null,
): Promise<TableDigest> {
  const total = source.rowCount(table);
  const shown = progress(table, total, client ? "copying" : "reading");
  const { columns } = table;
  const deferred = columns.map((column) => table.deferred.includes(column.name));
  const keyIndex = columns.indexOf(table.key[0]);
  const pairs = new Map(table.deferred.map((name) => [name, [] as [unknown, unknown][]]));
  const statement = insertStatement(table);
  const hash = createHash("sha256");
  let batch: unknown[][] = columns.map(() => []);
  let batchRows = 0;
  let batchCharacters = 0;
  let sending: Promise<unknown> | null = null;
  let rows = 0;

  // One batch travels while the next is read: the server inserts as this process converts.
  const send = async () => {
    if (sending) await sending;
    sending = batchRows > 0 && client && !problems.any ? client.query(statement, batch) : null;
    batch = columns.map(() => []);
    batchRows = 0;
    batchCharacters = 0;
  };

  for (const raw of source.rows(table)) {
    rows += 1;
    const values = new Array<unknown>(columns.length);
    const compared = new Array<unknown>(columns.length);
    for (let i = 0; i < columns.length; i++) {
      try {
        values[i] = fromSqlite(columns[i].kind, raw[i]);
      } catch (error) {
        if (!(error instanceof ValueProblem)) throw error;
        problems.add(table, keyText(table, raw), columns[i].name, error.message);
        values[i] = null;
      }
      compared[i] = comparable(columns[i].kind, values[i], "sqlite");
    }
    hash.update(`${JSON.stringify(compared)}\n`);
    if (!client || problems.any) {
      if (rows % 10_000 === 0) shown.tick(rows);
      continue;
    }
    for (let i = 0; i < columns.length; i++) {
      if (deferred[i] && values[i] !== null) {
        pairs.get(columns[i].name)!.push([values[keyIndex], values[i]]);
        batch[i].push(null);
      } else batch[i].push(values[i]);
      if (typeof values[i] === "string") batchCharacters += (values[i] as string).length;
    }
    batchRows += 1;
    if (batchRows >= BATCH_ROWS || batchCharacters >= BATCH_CHARACTERS) {
      await send();
      shown.tick(rows);
    }
  }
  await send();
  await send(); // waits for the last batch
  if (client && !problems.any) for (const [column, list] of pairs) await setDeferred(client, table, column, list);
  shown.done(rows);
  return { name: table.name, rows, digest: hash.digest("hex") };
}

/** The target's rows of `table`, hashed the way `copyTable` hashes the source's (inside the caller's transaction). */
export async function targetDigest(client: pg.Client, table: CopyTable): Promise<TableDigest> {
  const hash = createHash("sha256");
  let rows = 0;
  for await (const batch of targetRows(client, table)) {
    for (const row of batch) {
      rows += 1;
      hash.update(`${JSON.stringify(row.map((value, i) => comparable(table.columns[i].kind, value, "postgres")))}\n`);
    }
  }
  return { name: table.name, rows, digest: hash.digest("hex") };
}

/** The tables whose row count or digest differ, one line each. */
export function mismatches(source: TableDigest[], target: TableDigest[]): string[] {
  const lines: string[] = [];
  for (const [i, from] of source.entries()) {
    const to = target[i];
    if (from.rows !== to.rows)
      lines.push(`${from.name}: ${thousands(from.rows)} rows in the source, ${thousands(to.rows)} in the target`);
    else if (from.digest !== to.digest)
      lines.push(
        `${from.name}: the checksums differ (source ${from.digest.slice(0, 16)}…, target ${to.digest.slice(0, 16)}…)`,
      );
  }
  return lines;
}
