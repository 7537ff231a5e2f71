/**
 * The SQLite side of `npm run db:copy`: the file is opened read-only and read in one transaction,
 * so every table (and both passes over it) comes from one snapshot even if a server still writes.
 * It must be at this checkout's migration level: the PostgreSQL schema it is copied into is this
 * checkout's, and the copy never changes its source.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { projectRoot } from "~/lib/env.server";
import type { CopyTable } from "./copy-plan";

export type SqliteSource = {
  file: string;
  rowCount(table: CopyTable): number;
  /** Rows as arrays in the table's column order, ordered by its primary key; text and JSON come as bytes. */
  rows(table: CopyTable): IterableIterator<unknown[]>;
  close(): void;
};

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The newest migration a SQLite database has applied (null when it has no migrations table: not a
 * Hearth database), and the newest this version has (db/migrations), as drizzle's timestamps.
 */
export function migrationLevels(sqlite: Database.Database): { applied: number | null; known: number } {
  const journal = JSON.parse(
    fs.readFileSync(path.resolve(projectRoot(), "db/migrations/meta/_journal.json"), "utf8"),
  ) as { entries: { when: number }[] };
  const known = Math.max(...journal.entries.map((entry) => entry.when));
  const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = '__drizzle_migrations'").get();
  const applied = hasTable
    ? Number(sqlite.prepare("SELECT max(created_at) FROM __drizzle_migrations").pluck().get())
    : null;
  return { applied, known };
}

/** Opens the source, or says in one line why it cannot be copied. */
export function openSqliteSource(file: string, tables: CopyTable[]): SqliteSource | { problem: string } {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  const refuse = (problem: string) => {
    sqlite.close();
    return { problem };
  };
  const present = new Set(
    sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all()
      .map((name) => String(name)),
  );
  const { applied, known } = migrationLevels(sqlite);
  if (applied === null) return refuse(`${file} is not a Hearth database (it has no migrations table)`);
  if (applied < known)
    return refuse(
      `${file} is behind this version's migrations: apply them first (DATABASE_PATH=${file} npm run db:migrate); the copy never changes its source`,
    );
  if (applied > known)
    return refuse(`${file} has migrations this version does not know: copy it with the version that made it`);
  const missing = tables.filter((table) => !present.has(table.name)).map((table) => table.name);
  if (missing.length > 0) return refuse(`${file} has no table ${missing.join(", ")}`);

  sqlite.exec("BEGIN"); // one snapshot for every read below (a read transaction: writers carry on)
  sqlite.prepare("SELECT 1 FROM __drizzle_migrations LIMIT 1").get(); // the snapshot starts at the first read
  return {
    file,
    rowCount: (table) =>
      Number(
        sqlite
          .prepare(`SELECT count(*) FROM ${quote(table.name)}`)
          .pluck()
          .get(),
      ),
    rows(table) {
      // Text is read as bytes so that invalid UTF-8 is seen, not replaced; keys order as bytes
      // (BINARY), as PostgreSQL's "C" collation orders them on the other side.
      const columns = table.columns.map(({ name, kind }) =>
        kind === "text" || kind === "jsonb" ? `CAST(${quote(name)} AS BLOB)` : quote(name),
      );
      const order = table.key
        .map(({ name, kind }) => (kind === "text" ? `${quote(name)} COLLATE BINARY` : quote(name)))
        .join(", ");
      const statement = sqlite.prepare(`SELECT ${columns.join(", ")} FROM ${quote(table.name)} ORDER BY ${order}`);
      return statement.raw(true).iterate() as IterableIterator<unknown[]>;
    },
    close() {
      if (sqlite.inTransaction) sqlite.exec("COMMIT");
      sqlite.close();
    },
  };
}
