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

/**
 * The site's public address, for every absolute URL (emails, feed, sitemap): `PUBLIC_URL`, else
 * this machine on `PORT`. Never the request's Host, which the client chooses.
 */
export function publicUrl(): string {
  return (process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, "");
}

/** Where emails are written as .eml files when no SMTP server is configured. */
export function mailDirectory(): string {
  return path.resolve(process.env.MAIL_DIR ?? "./data/mail");
}
