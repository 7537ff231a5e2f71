// The PostgreSQL schema (db/schema-pg) is a twin of the SQLite one (db/schema): same tables, columns,
// keys, indexes and constraints, with column types mapped per engine. This test fails when they drift.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Column, getTableColumns, is, SQL, sql, StringChunk } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import {
  bigint,
  boolean as pgBoolean,
  getTableConfig as pgTableConfig,
  index as pgIndex,
  integer as pgInteger,
  PgTable,
  pgTable,
  text as pgText,
  uniqueIndex as pgUniqueIndex,
} from "drizzle-orm/pg-core";
import {
  getTableConfig as sqliteTableConfig,
  index as sqliteIndex,
  integer as sqliteInteger,
  SQLiteTable,
  sqliteTable,
  text as sqliteText,
} from "drizzle-orm/sqlite-core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import * as sqliteSchema from "../../../db/schema-sqlite";
import * as pgSchema from "../../../db/schema-pg";
import { timestampMs } from "../../../db/schema-pg/columns";

/** SQL as text: column references by bare name, whitespace collapsed (how both schema files write it). */
function sqlText(value: SQL): string {
  const render = (chunk: unknown): string => {
    if (is(chunk, StringChunk)) return chunk.value.join("");
    if (is(chunk, Column)) return chunk.name;
    if (is(chunk, SQL)) return chunk.queryChunks.map(render).join("");
    return String(chunk);
  };
  return render(value).replace(/\s+/g, " ").trim();
}

/** The engine-neutral kind of a column's type; each engine's type must map onto the same kind. */
function sqliteKind(column: Column): string {
  switch (column.columnType) {
    case "SQLiteTimestamp":
      return (column as unknown as { mode: string }).mode === "timestamp_ms"
        ? "moment"
        : `unmapped ${column.columnType}`;
    case "SQLiteBoolean":
      return "boolean";
    case "SQLiteTextJson":
      return "json";
    case "SQLiteInteger":
      return "integer";
    case "SQLiteText":
      return "text";
    default:
      return `unmapped ${column.columnType}`;
  }
}

function pgKind(column: Column): string {
  switch (column.columnType) {
    case "PgCustomColumn":
      // Only the timestampMs custom type: a bigint of epoch milliseconds read as a Date.
      return column.getSQLType() === "bigint" && column.mapFromDriverValue("1700000000000") instanceof Date
        ? "moment"
        : `unmapped custom ${column.getSQLType()}`;
    case "PgBoolean":
      return "boolean";
    case "PgJsonb":
      return "json";
    case "PgInteger":
    case "PgBigInt53":
      return "integer";
    case "PgText":
      return "text";
    default:
      return `unmapped ${column.columnType}`;
  }
}

function defaultText(column: Column): string | undefined {
  // SQLite marks an integer primary key as having a default (the rowid) without giving one.
  const value: unknown = column.default;
  if (!column.hasDefault || value === undefined) return undefined;
  if (is(value, SQL)) {
    const text = sqlText(value);
    return /^-?\d+$/.test(text) ? text : `sql:${text}`;
  }
  return String(value);
}

type Row = Record<string, unknown>;

/** Everything the drift test compares about one table, in a shape both engines produce alike. */
function describeTable(table: SQLiteTable | PgTable) {
  const sqlite = is(table, SQLiteTable);
  const config = sqlite ? sqliteTableConfig(table) : pgTableConfig(table as PgTable);
  const keys = Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, column]) => [column.name, key]));
  const columns = Object.fromEntries(
    config.columns.map((column: Column) => {
      const identity = sqlite
        ? (column as unknown as { autoIncrement?: boolean }).autoIncrement === true
        : (column as unknown as { generatedIdentity?: { type: string } }).generatedIdentity?.type === "byDefault";
      const row: Row = {
        key: keys[column.name],
        kind: sqlite ? sqliteKind(column) : pgKind(column),
        notNull: column.notNull,
        primary: column.primary,
        generatedId: identity,
        default: defaultText(column),
        unique: column.isUnique ? column.uniqueName : undefined,
        enum: column.enumValues?.length ? column.enumValues.join(",") : undefined,
      };
      return [column.name, row];
    }),
  );
  const indexColumn = (column: unknown): string => {
    if (is(column, SQL)) return sqlText(column);
    const { name, indexConfig } = column as { name: string; indexConfig?: { order?: string } };
    return indexConfig?.order === "desc" ? `${name} DESC` : name;
  };
  return {
    columns,
    primaryKeys: config.primaryKeys.map((key) => ({
      name: key.getName(),
      columns: key.columns.map((c) => c.name),
    })),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return {
          name: fk.getName(),
          columns: ref.columns.map((c) => c.name),
          table: (sqlite
            ? sqliteTableConfig(ref.foreignTable as SQLiteTable)
            : pgTableConfig(ref.foreignTable as PgTable)
          ).name,
          foreignColumns: ref.foreignColumns.map((c) => c.name),
          onDelete: fk.onDelete ?? "no action",
          onUpdate: fk.onUpdate ?? "no action",
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
    indexes: config.indexes
      .map(({ config: index }) => ({
        name: index.name,
        columns: index.columns.map(indexColumn),
        unique: index.unique,
        where: index.where ? sqlText(index.where) : undefined,
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    uniqueConstraints: config.uniqueConstraints
      .map((u) => ({ name: u.getName(), columns: u.columns.map((c) => c.name) }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    checks: config.checks
      .map((check) => ({ name: check.name, value: sqlText(check.value) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function tablesOf<T extends SQLiteTable | PgTable>(
  schema: Record<string, unknown>,
  kind: typeof SQLiteTable | typeof PgTable,
) {
  return new Map(
    Object.entries(schema)
      .filter((entry): entry is [string, T] => is(entry[1], kind))
      .map(([exportName, table]) => [exportName, table]),
  );
}

/** The differences between two schemas, one line each ("posts.score: notNull true ≠ false"). */
function drift(sqliteTables: Map<string, SQLiteTable>, pgTables: Map<string, PgTable>): string[] {
  const found: string[] = [];
  for (const name of new Set([...sqliteTables.keys(), ...pgTables.keys()])) {
    const a = sqliteTables.get(name);
    const b = pgTables.get(name);
    if (!a || !b) {
      found.push(`${name}: exported by ${a ? "the SQLite schema" : "the PostgreSQL schema"} only`);
      continue;
    }
    const [left, right] = [describeTable(a), describeTable(b)];
    const table = sqliteTableConfig(a).name;
    if (table !== pgTableConfig(b).name) found.push(`${name}: table ${table} ≠ ${pgTableConfig(b).name}`);
    for (const column of new Set([...Object.keys(left.columns), ...Object.keys(right.columns)])) {
      const [x, y] = [left.columns[column], right.columns[column]];
      if (!x || !y) {
        found.push(`${table}.${column}: in the ${x ? "SQLite" : "PostgreSQL"} schema only`);
        continue;
      }
      for (const property of Object.keys(x)) {
        if (x[property] !== y[property]) {
          found.push(`${table}.${column}: ${property} ${String(x[property])} ≠ ${String(y[property])}`);
        }
      }
    }
    for (const part of ["primaryKeys", "foreignKeys", "indexes", "uniqueConstraints", "checks"] as const) {
      const [x, y] = [JSON.stringify(left[part]), JSON.stringify(right[part])];
      if (x !== y) found.push(`${table} ${part}:\n  sqlite ${x}\n  pg     ${y}`);
    }
  }
  return found;
}

const sqliteTables = tablesOf<SQLiteTable>(sqliteSchema, SQLiteTable);
const pgTables = tablesOf<PgTable>(pgSchema, PgTable);

describe("the PostgreSQL schema", () => {
  it("has the SQLite schema's tables, columns, keys, indexes and constraints", () => {
    expect(sqliteTables.size).toBeGreaterThan(30);
    expect(drift(sqliteTables, pgTables)).toEqual([]);
  });

  it("maps every column type, so a new type cannot slip through unnoticed", () => {
    const kinds = [...sqliteTables.values(), ...pgTables.values()].flatMap((table) =>
      Object.values(describeTable(table).columns).map((column) => column.kind as string),
    );
    expect(kinds.filter((kind) => kind.startsWith("unmapped"))).toEqual([]);
    expect(new Set(kinds)).toEqual(new Set(["moment", "boolean", "json", "integer", "text"]));
  });

  it("stores moments as epoch milliseconds and reads them back as dates", () => {
    const column = pgSchema.users.createdAt;
    const at = new Date("2026-11-30T12:00:00.123Z");
    expect(column.mapToDriverValue(at)).toBe(at.getTime());
    expect(column.mapFromDriverValue(String(at.getTime()))).toEqual(at);
  });
});

describe("the drift check", () => {
  // Small twins, so the check itself is shown to notice a broken column, index or foreign key.
  const owners = {
    s: sqliteTable("owners", { id: sqliteInteger("id").primaryKey() }),
    p: pgTable("owners", { id: pgInteger("id").primaryKey() }),
  };
  const sqliteItems = sqliteTable(
    "items",
    {
      id: sqliteInteger("id").primaryKey({ autoIncrement: true }),
      ownerId: sqliteInteger("owner_id").references(() => owners.s.id, { onDelete: "cascade" }),
      at: sqliteInteger("at", { mode: "timestamp_ms" }).notNull(),
      done: sqliteInteger("done", { mode: "boolean" }).notNull().default(false),
      name: sqliteText("name").notNull(),
    },
    (t) => [sqliteIndex("items_owner_idx").on(t.ownerId, t.at)],
  );
  type Change = { name?: "nullable" | "bigint"; index?: "unique" | "columns" | "where"; onDelete?: "set null" };
  const twin = (change: Change = {}) =>
    pgTable(
      "items",
      {
        id: pgInteger("id").primaryKey().generatedByDefaultAsIdentity(),
        ownerId: pgInteger("owner_id").references(() => owners.p.id, { onDelete: change.onDelete ?? "cascade" }),
        at: timestampMs("at").notNull(),
        done: pgBoolean("done").notNull().default(false),
        name:
          change.name === "nullable"
            ? pgText("name")
            : change.name === "bigint"
              ? bigint("name", { mode: "number" }).notNull()
              : pgText("name").notNull(),
      },
      (t) => [
        change.index === "unique"
          ? pgUniqueIndex("items_owner_idx").on(t.ownerId, t.at)
          : change.index === "columns"
            ? pgIndex("items_owner_idx").on(t.at, t.ownerId)
            : change.index === "where"
              ? pgIndex("items_owner_idx")
                  .on(t.ownerId, t.at)
                  .where(sql`done`)
              : pgIndex("items_owner_idx").on(t.ownerId, t.at),
      ],
    );
  const check = (items: PgTable) =>
    drift(
      new Map<string, SQLiteTable>([
        ["owners", owners.s],
        ["items", sqliteItems],
      ]),
      new Map<string, PgTable>([
        ["owners", owners.p],
        ["items", items],
      ]),
    );

  it("finds nothing between true twins", () => {
    expect(check(twin())).toEqual([]);
  });

  it("notices a column that changed nullability or type", () => {
    expect(check(twin({ name: "nullable" }))).toEqual(["items.name: notNull true ≠ false"]);
    expect(check(twin({ name: "bigint" }))).toEqual(["items.name: kind text ≠ integer"]);
  });

  it("notices a foreign key that deletes differently", () => {
    expect(check(twin({ onDelete: "set null" })).join("\n")).toMatch(/items foreignKeys:.*cascade.*\n.*set null/s);
  });

  it("notices an index that changed its columns, uniqueness or condition", () => {
    expect(check(twin({ index: "columns" })).join("\n")).toContain('"columns":["at","owner_id"]');
    expect(check(twin({ index: "unique" })).join("\n")).toContain('"unique":true');
    expect(check(twin({ index: "where" })).join("\n")).toContain('"where":"done"');
  });
});

/** Reads a table's columns and indexes from a live database built by db/migrations-pg. */
describe.skipIf(!process.env.PG_TEST_URL)("db/migrations-pg on a PostgreSQL server (PG_TEST_URL)", () => {
  it("builds the tables, columns, nullability, types and indexes the schema declares", async () => {
    const serverUrl = process.env.PG_TEST_URL!;
    const database = `hearth_drift_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    // One client, not a pool: its end() waits until the connection is closed, so the DROP below
    // cannot terminate it mid-close (a pool's idle client then raised an unhandled 57P01).
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: path.resolve("db/migrations-pg") });

      const { rows: columnRows } = await client.query<{
        table_name: string;
        column_name: string;
        is_nullable: string;
        data_type: string;
      }>(
        "SELECT table_name, column_name, is_nullable, data_type FROM information_schema.columns WHERE table_schema = 'public'",
      );
      const { rows: indexRows } = await client.query<{ tablename: string; indexname: string; indexdef: string }>(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
      );
      const live = (table: string) => ({
        columns: columnRows
          .filter((row) => row.table_name === table)
          .map((row) => `${row.column_name} ${row.data_type}${row.is_nullable === "NO" ? " not null" : ""}`)
          .sort(),
        indexes: indexRows
          .filter((row) => row.tablename === table)
          .map(
            (row) =>
              `${row.indexname}${row.indexdef.startsWith("CREATE UNIQUE") ? " unique" : ""}${row.indexdef.includes(" WHERE ") ? " partial" : ""}`,
          )
          .sort(),
      });
      const declared = (table: PgTable) => {
        const config = pgTableConfig(table);
        const singlePrimary = config.columns.some((column) => column.primary);
        return {
          columns: config.columns
            .map((column) => `${column.name} ${column.getSQLType()}${column.notNull ? " not null" : ""}`)
            .sort(),
          indexes: [
            ...config.indexes.map(
              ({ config: index }) => `${index.name}${index.unique ? " unique" : ""}${index.where ? " partial" : ""}`,
            ),
            ...(singlePrimary ? [`${config.name}_pkey unique`] : []),
            ...config.primaryKeys.map((key) => `${key.getName()} unique`),
            ...config.columns.filter((column) => column.isUnique).map((column) => `${column.uniqueName} unique`),
          ].sort(),
        };
      };

      // The search tables are hand-written (0003_search.sql), outside the schema like SQLite's FTS5 ones.
      const liveTables = [...new Set(columnRows.map((row) => row.table_name))]
        .filter((table) => !table.startsWith("search_"))
        .sort();
      const schemaTables = [...pgTables.values()].map((table) => pgTableConfig(table).name).sort();
      expect(liveTables).toEqual(schemaTables);
      for (const table of pgTables.values()) {
        expect({ table: pgTableConfig(table).name, ...live(pgTableConfig(table).name) }).toEqual({
          table: pgTableConfig(table).name,
          ...declared(table),
        });
      }

      // The hand-written migrations: the audit log refuses changes; the rows SQLite's migrations insert.
      await client.query(
        "INSERT INTO audit_log (action, subject_type, subject_id, subject_label, created_at) VALUES ('test', 'thread', 1, 'x', 0)",
      );
      await expect(client.query("UPDATE audit_log SET reason = 'tampered'")).rejects.toThrow(/cannot be changed/);
      await expect(client.query("DELETE FROM audit_log")).rejects.toThrow(/cannot be deleted/);
      await expect(client.query("TRUNCATE audit_log")).rejects.toThrow(/cannot be deleted/);
      const { rows } = await client.query<{ settings: number; phrases: number }>(
        "SELECT (SELECT count(*) FROM moderation_settings WHERE id = 1)::int AS settings, (SELECT count(*) FROM reply_lexicon)::int AS phrases",
      );
      expect(rows[0]).toEqual({ settings: 1, phrases: 5 });
      // The search objects: the text search configuration indexes every word, unaccented and stemmed.
      const { rows: search } = await client.query<{ vector: string }>(
        "SELECT to_tsvector('hearth', 'Café routers the') AS vector",
      );
      expect(search[0].vector).toBe("'cafe':1 'router':2 'the':3");
      await client.query("SELECT thread_id FROM search_threads WHERE tsv @@ to_tsquery('hearth', 'x') AND title % 'x'");
      await client.query("SELECT article_id FROM search_articles WHERE tsv_teaser @@ to_tsquery('hearth', 'x')");
    } finally {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });
});
