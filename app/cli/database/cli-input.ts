/**
 * What the database scripts (db:copy, db:backup, db:restore) share about their input and their
 * exits: every mistake in what they were given ends them with one line and exit code 2, any failure
 * of the work with one line (or a short report) and exit code 1, never with a stack trace.
 */
import fs from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { postgresServer } from "~/lib/env.server";

/** Exit code for input the script cannot take (options, files, URLs). */
export const BAD_INPUT = 2;
/** Exit code for work that failed or was refused. */
export const FAILED = 1;

export function stop(message: string, code: number = FAILED): never {
  console.error(message);
  process.exit(code);
}

/** The text of any error, for one line (drizzle wraps the driver's error: its cause says what happened). */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : "";
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
}

/** Options parsed strictly: an unknown option or a missing value stops the script with `usage`. */
export function parseOptions<T extends NonNullable<ParseArgsConfig["options"]>>(
  options: T,
  usage: string,
  allowPositionals = false,
) {
  try {
    return parseArgs({ options, allowPositionals, strict: true });
  } catch (error) {
    stop(`${error instanceof Error ? error.message : String(error)}\n${usage}`, BAD_INPUT);
  }
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\0");
const PG_DUMP_HEADER = Buffer.from("PGDMP");

/** What a file holds, judged by its first bytes: a SQLite database, a pg_dump archive, or something else. */
export function fileKind(file: string): "sqlite" | "pg_dump" | "other" {
  const head = Buffer.alloc(16);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, head, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.equals(SQLITE_HEADER)) return "sqlite";
  if (head.subarray(0, 5).equals(PG_DUMP_HEADER)) return "pg_dump";
  return "other";
}

/** An existing SQLite database file, checked by its header. */
export const sqliteFile = z.string().superRefine((file, context) => {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) context.addIssue({ code: "custom", message: `there is no file at ${file}` });
  else if (!stat.isFile()) context.addIssue({ code: "custom", message: `${file} is not a file` });
  else if (stat.size === 0 || fileKind(file) !== "sqlite")
    context.addIssue({ code: "custom", message: `${file} is not a SQLite database` });
});

export const postgresUrl = postgresServer;

/** Where a PostgreSQL URL points, without user or password: for messages. */
export function serverName(url: string) {
  const parsed = new URL(url);
  return `postgres://${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

/** The first problem zod found, as one line that names the option. */
export function checked<T>(schema: z.ZodType<T>, value: unknown, usage: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const option = issue.path.length > 0 ? `--${String(issue.path[0])}: ` : "";
  stop(`${option}${issue.message}\n${usage}`, BAD_INPUT);
}
