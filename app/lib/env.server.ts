import path from "node:path";

export function databasePath(): string {
  return path.resolve(process.env.DATABASE_PATH ?? "./data/hearth.sqlite");
}

export function migrationsFolder(): string {
  return path.resolve(process.env.HEARTH_ROOT ?? process.cwd(), "db/migrations");
}
