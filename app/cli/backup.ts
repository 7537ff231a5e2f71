/**
 * npm run db:backup -- <file>: an online backup of DATABASE_PATH (default ./data/hearth.sqlite)
 * while servers keep serving it. `VACUUM INTO` writes one consistent snapshot inside a single read
 * transaction: writers carry on meanwhile, and unlike the page-by-page backup API it is never
 * restarted by their commits. The copy is compacted, made owner-only (0600, its folder 0700 when
 * created) and checked with `PRAGMA integrity_check`; the script exits 1 if anything is wrong.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { databasePath, exitOnInvalidConfiguration } from "~/lib/env.server";

exitOnInvalidConfiguration();

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const target = process.argv[2] ? path.resolve(process.argv[2]) : fail("Usage: npm run db:backup -- <backup file>");
const source = databasePath();
if (!fs.statSync(source, { throwIfNoEntry: false })?.isFile())
  fail(`No database file at ${source} (set DATABASE_PATH).`);
if ((fs.statSync(target, { throwIfNoEntry: false })?.size ?? 0) > 0)
  fail(`${target} already exists: choose a new file.`);

const started = Date.now();
fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
fs.closeSync(fs.openSync(target, "a", 0o600)); // VACUUM INTO fills an empty file and keeps its mode
fs.chmodSync(target, 0o600); // an empty file that was already there keeps the mode it had
const live = new Database(source, { readonly: true, fileMustExist: true, timeout: 5_000 });
try {
  live.prepare("VACUUM INTO ?").run(target);
} catch (error) {
  fs.rmSync(target, { force: true });
  fail(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  live.close();
}

const copy = new Database(target, { readonly: true, fileMustExist: true });
const problems = (copy.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check);
copy.close();
if (problems.join() !== "ok") fail(`The copy at ${target} failed integrity_check:\n${problems.join("\n")}`);
const megabytes = (fs.statSync(target).size / 1024 / 1024).toFixed(1);
console.log(
  `Backed up ${source} to ${target} (${megabytes} MB, ${((Date.now() - started) / 1000).toFixed(1)} s); integrity_check: ok`,
);
