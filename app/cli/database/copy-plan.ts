/**
 * What `npm run db:copy` copies, derived from the PostgreSQL schema (db/schema-pg.ts, the SQLite
 * schema's checked twin): every table in an order where each comes after the tables its foreign keys
 * point at, each column with the kind that decides how its values are checked, converted and
 * compared. A foreign key to its own table (a thread marked a duplicate of another) cannot be
 * ordered: such columns are filled in after their table (`deferred`). A cycle between two tables
 * cannot be either, and stops the plan with their names.
 */
import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import * as pgSchema from "../../../db/schema-pg";

/** How a column's values are carried: SQLite's integer, timestamp_ms, boolean, JSON text and text. */
export type ColumnKind = "int4" | "int8" | "boolean" | "jsonb" | "text";

export type CopyColumn = { name: string; kind: ColumnKind };

export type CopyTable = {
  name: string;
  columns: CopyColumn[];
  /** Primary-key columns, in the key's order: rows are read and compared in this order. */
  key: CopyColumn[];
  /** Columns referencing this same table: inserted empty, then set once every row is in. */
  deferred: string[];
  /** The identity column whose sequence must continue after the copied ids, if any. */
  identity: string | null;
};

const KINDS: Record<string, ColumnKind> = {
  integer: "int4",
  bigint: "int8",
  boolean: "boolean",
  jsonb: "jsonb",
  text: "text",
};

function describeTable(table: PgTable): CopyTable & { references: Set<string> } {
  const config = getTableConfig(table);
  const columns = config.columns.map((column) => {
    const kind = KINDS[column.getSQLType()];
    if (!kind)
      throw new Error(`db:copy does not know how to copy ${config.name}.${column.name} (${column.getSQLType()})`);
    return { name: column.name, kind };
  });
  const byName = new Map(columns.map((column) => [column.name, column]));
  const keyNames =
    config.primaryKeys[0]?.columns.map((column) => column.name) ??
    config.columns.filter((column) => column.primary).map((column) => column.name);
  if (keyNames.length === 0) throw new Error(`db:copy needs a primary key on ${config.name}`);
  const references = new Set<string>();
  const deferred: string[] = [];
  for (const foreignKey of config.foreignKeys) {
    const reference = foreignKey.reference();
    const target = getTableConfig(reference.foreignTable).name;
    if (target === config.name) deferred.push(...reference.columns.map((column) => column.name));
    else references.add(target);
  }
  return {
    name: config.name,
    columns,
    key: keyNames.map((name) => byName.get(name)!),
    deferred,
    identity: config.columns.find((column) => column.generatedIdentity)?.name ?? null,
    references,
  };
}

/** Tables in foreign-key order (each after those it references), ties by name so the order is stable. */
export function orderByForeignKeys<T extends { name: string; references: Set<string> }>(tables: T[]): T[] {
  const pending = new Map(tables.map((table) => [table.name, table]));
  const ordered: T[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()]
      .filter((table) => [...table.references].every((name) => !pending.has(name)))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (ready.length === 0)
      throw new Error(
        `foreign keys form a cycle between ${[...pending.keys()].sort().join(", ")}: db:copy cannot order them`,
      );
    for (const table of ready) {
      ordered.push(table);
      pending.delete(table.name);
    }
  }
  return ordered;
}

/** Every table of the schema, in the order the copy fills them. */
export function copyPlan(): CopyTable[] {
  const tables = (Object.values(pgSchema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
  return orderByForeignKeys(tables.map(describeTable)).map(({ references: _references, ...table }) => table);
}
