// npm run import:stackexchange -- <folder> [--site <host>] [--emails <csv>] [--category <slug>]
// Imports a Stack Exchange site's dump (the folder of its XML files) into the database
// DATABASE_URL (or DATABASE_PATH) names: see app/models/import/stackexchange/import.server.ts.
// Progress goes to stderr, the summary to stdout. A malformed file stops it with
// "<file>:<line>: <reason>" and exit code 1; what committed before stays, and the next run resumes.
import { parseArgs } from "node:util";
import { closeDatabase } from "~/lib/db.server";
import { migrateAndRebuild } from "~/server/prepare.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import { ImportFileError, importStackExchange, summaryLines } from "~/models/import/stackexchange/import.server";
import { subscribeEveryDomain } from "~/models/subscriptions.server";

exitOnInvalidConfiguration();

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { site: { type: "string" }, emails: { type: "string" }, category: { type: "string" } },
});
if (positionals.length !== 1) {
  console.error("Usage: npm run import:stackexchange -- <folder> [--site <host>] [--emails <csv>] [--category <slug>]");
  process.exit(1);
}

let lastDraw = 0;
const progress = (file: string, done: number, total: number, rows: number) => {
  const at = Date.now();
  if (at - lastDraw < 200 && done < total) return;
  lastDraw = at;
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const bar = "#".repeat(Math.round(share * 30)).padEnd(30, ".");
  const line = `${file.padEnd(16)} [${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString("en")} rows`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${done >= total ? "\n" : ""}`);
  else if (done >= total) process.stderr.write(`${line}\n`);
};

subscribeEveryDomain();
await migrateAndRebuild();
try {
  const summary = await importStackExchange({ folder: positionals[0], ...values, progress });
  console.log(summaryLines(summary).join("\n"));
} catch (error) {
  if (process.stderr.isTTY) process.stderr.write("\n");
  console.error(error instanceof ImportFileError || error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeDatabase();
}
