// npm run db:copy -- --from <SQLite file> --to <postgres URL> [--force]
//                                 moves a community from SQLite to PostgreSQL: migrates the target,
//                                 copies every table in one transaction, verifies each table's row
//                                 count and checksum, then builds the target's search index
// npm run db:copy -- --from <SQLite file> --to <postgres URL> --verify
//                                 compares the two (row counts and checksums) without changing either
// Exit codes: 0 copied (or equal), 1 refused or failed (nothing committed, unless the search index
// alone failed, which it says), 2 bad input.
// DECISIONS #66 says what "empty" means for a target and why the copy is one transaction.
import path from "node:path";
import { z } from "zod";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import {
  BAD_INPUT,
  checked,
  errorText,
  parseOptions,
  postgresUrl,
  serverName,
  sqliteFile,
  stop,
} from "./database/cli-input";
import { copyPlan } from "./database/copy-plan";
import { copyTable, mismatches, Problems, targetDigest, type TableDigest } from "./database/copy-tables";
import {
  beginCopy,
  communityRows,
  connectPostgres,
  continueIdentities,
  emptyTarget,
  postgresProblem,
  setAsideForLoad,
} from "./database/postgres-target";
import { openSqliteSource, type SqliteSource } from "./database/sqlite-source";

exitOnInvalidConfiguration();

const USAGE =
  "Usage: npm run db:copy -- --from <SQLite file> --to <postgres://… URL> [--force | --verify] (--help says more)";
const HELP = [
  "npm run db:copy -- --from <SQLite file> --to <postgres://… URL>",
  "  migrates the target, copies every table in one transaction, verifies row counts and checksums,",
  "  builds the search index; refuses a target that already holds a community",
  "  --force   empty such a target first, then copy",
  "  --verify  only compare the two (row counts and checksums), changing neither",
  "Exit codes: 0 done, 1 refused or failed (nothing committed), 2 bad input.",
].join("\n");

const { values } = parseOptions(
  {
    from: { type: "string" },
    to: { type: "string" },
    force: { type: "boolean" },
    verify: { type: "boolean" },
    help: { type: "boolean" },
  },
  USAGE,
);
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const isUrl = (value: string | undefined) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value ?? "");
if (values.from === undefined || values.to === undefined) stop(`--from and --to are both needed.\n${USAGE}`, BAD_INPUT);
if (values.from === values.to) stop(`--from and --to are the same: ${values.from}\n${USAGE}`, BAD_INPUT);
if (isUrl(values.from))
  stop(
    "--from must be a SQLite file: db:copy moves a SQLite community to PostgreSQL (a PostgreSQL database moves with db:backup and db:restore)",
    BAD_INPUT,
  );
if (!isUrl(values.to))
  stop(
    `--to must be a PostgreSQL URL (postgres://…), not ${values.to}: db:copy moves a SQLite community to PostgreSQL (a SQLite file is copied with db:backup)`,
    BAD_INPUT,
  );
const options = checked(
  z
    .object({
      from: sqliteFile,
      to: postgresUrl,
      force: z.boolean().default(false),
      verify: z.boolean().default(false),
    })
    .refine((o) => !(o.force && o.verify), { message: "--force and --verify do not go together" }),
  values,
  USAGE,
);

const from = path.resolve(options.from);
const target = serverName(options.to);
const tables = copyPlan();
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const thousands = (n: number) => n.toLocaleString("en-US");

const opened = (() => {
  try {
    return openSqliteSource(from, tables);
  } catch (error) {
    stop(`Cannot read ${from}: ${errorText(error)}`);
  }
})();
if ("problem" in opened) stop(opened.problem);
const source: SqliteSource = opened;

// The target is migrated, indexed and checked by the app's own code, running on PostgreSQL.
process.env.DATABASE_URL = options.to;
const database = await import("~/lib/db.server");

async function connect() {
  try {
    return await connectPostgres(options.to, "db:copy");
  } catch (error) {
    stop(postgresProblem(error, target));
  }
}

const client = await connect();
const version = Number(
  (await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0].v,
);
if (version < 150000) stop(`${target} runs PostgreSQL ${Math.floor(version / 10000)}: Hearth needs 15 or later`);

/** The biggest tables holding rows, for the refusal's one line. */
function heldSummary(held: { name: string; rows: number }[]) {
  const biggest = [...held].sort((a, b) => b.rows - a.rows || a.name.localeCompare(b.name));
  const shown = biggest.slice(0, 4).map((table) => `${table.name}: ${thousands(table.rows)} rows`);
  return biggest.length > 4 ? `${shown.join(", ")} and ${biggest.length - 4} more tables` : shown.join(", ");
}

function printMismatches(lines: string[]) {
  console.error(`The copy differs from its source in ${lines.length} table(s):`);
  for (const line of lines) console.error(`  ${line}`);
}

async function verifyOnly(): Promise<never> {
  console.log(`Comparing ${from} with ${target}`);
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const problems = new Problems();
  const sourceDigests: TableDigest[] = [];
  const targetDigests: TableDigest[] = [];
  for (const table of tables) {
    sourceDigests.push(await copyTable(source, table, problems, null));
    targetDigests.push(await targetDigest(client, table));
  }
  await client.query("COMMIT");
  if (problems.any) {
    console.error(
      ["The source holds values PostgreSQL would refuse:", ...problems.report().map((line) => `  ${line}`)].join("\n"),
    );
  }
  const lines = mismatches(sourceDigests, targetDigests);
  if (lines.length > 0) printMismatches(lines);
  if (lines.length > 0 || problems.any) return end(1);
  const rows = sourceDigests.reduce((sum, table) => sum + table.rows, 0);
  console.log(
    `Equal: ${tables.length} tables, ${thousands(rows)} rows, every row count and checksum matches (${seconds()} s)`,
  );
  return end(0);
}

async function end(code: number): Promise<never> {
  source.close();
  await client.end().catch(() => {});
  await database.closeDatabase().catch(() => {});
  process.exit(code);
}

async function fail(message: string): Promise<never> {
  console.error(message);
  await client.query("ROLLBACK").catch(() => {});
  return end(1);
}

let committed = false;
try {
  if (options.verify) await verifyOnly();

  await database.migrateDatabase();
  console.log(`Migrated ${target}`);
  await beginCopy(client);
  const held = await communityRows(client, tables);
  if (held.length > 0 && !options.force)
    await fail(
      `${target} already holds a community (${heldSummary(held)}): nothing was copied. Run with --force to replace it.`,
    );
  await emptyTarget(client, tables);
  if (held.length > 0) console.log(`Emptied ${target} (--force)`);

  console.log(`Copying ${from} to ${target}: ${tables.length} tables in foreign-key order, in one transaction`);
  const problems = new Problems();
  const sourceDigests: TableDigest[] = [];
  const putBack = await setAsideForLoad(client, tables);
  for (const table of tables) sourceDigests.push(await copyTable(source, table, problems, client));
  if (problems.any)
    await fail(
      [
        "PostgreSQL would refuse these values of the source; nothing was copied:",
        ...problems.report().map((line) => `  ${line}`),
        "Correct them in the SQLite file (on a copy of it: db:copy never changes its source), then copy again.",
      ].join("\n"),
    );
  const indexing = Date.now();
  await putBack();
  console.log(`Built the indexes and checked the foreign keys (${((Date.now() - indexing) / 1000).toFixed(1)} s)`);
  await continueIdentities(client, tables);

  console.log("Verifying: each table's row count and checksum, read back from the target");
  const targetDigests: TableDigest[] = [];
  for (const table of tables) targetDigests.push(await targetDigest(client, table));
  const lines = mismatches(sourceDigests, targetDigests);
  if (lines.length > 0) {
    printMismatches(lines);
    await fail("Nothing was committed.");
  }
  await client.query("COMMIT");
  committed = true;
  const rows = sourceDigests.reduce((sum, table) => sum + table.rows, 0);
  const elapsed = (Date.now() - started) / 1000;
  console.log(
    `Copied and verified ${thousands(rows)} rows in ${tables.length} tables in ${elapsed.toFixed(1)} s (${thousands(Math.round(rows / elapsed))} rows/s)`,
  );
  await client.query("ANALYZE");

  const { ensureSearchIndex } = await import("~/models/search/index.server");
  try {
    const indexed = await ensureSearchIndex();
    console.log(`Built the search index (${thousands(indexed)} threads)`);
  } catch (error) {
    console.error(`The copy is committed, but its search index was not built: ${errorText(error)}`);
    await end(1);
  }
  console.log(`Done in ${seconds()} s: ${target} holds the community of ${from}`);
  await end(0);
} catch (error) {
  const fromSqlite = String((error as { code?: unknown }).code).startsWith("SQLITE");
  const problem = fromSqlite ? `Reading ${from} failed: ${errorText(error)}` : postgresProblem(error, target);
  await fail(`${problem}${committed ? "" : "\nNothing was committed."}`);
}
