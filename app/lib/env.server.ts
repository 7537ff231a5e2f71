import path from "node:path";

export function databasePath(): string {
  return path.resolve(process.env.DATABASE_PATH ?? "./data/hearth.sqlite");
}

export function migrationsFolder(): string {
  return path.resolve(process.env.HEARTH_ROOT ?? process.cwd(), "db/migrations");
}

/** The knowledge-base folder: `content/kb` in the project, or `KB_DIR`. */
export function kbDirectory(): string {
  return path.resolve(process.env.HEARTH_ROOT ?? process.cwd(), process.env.KB_DIR ?? "content/kb");
}
