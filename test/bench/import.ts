/**
 * npm run bench:import: how long `npm run import:stackexchange` takes on a large site, and how much
 * memory it holds. The shared Bicycles Meta dump is repeated COPIES times with its ids offset
 * (test/bench/se-scaled-dump.ts; 692 copies hold 985,408 questions and answers, 6 GB of XML), then
 * imported once into a new SQLite file, or a new PostgreSQL database on a cluster of its own, timed
 * by /usr/bin/time (wall seconds and the import process's peak RSS). Targets (issue 17): a million
 * posts in under an hour, memory under 1 GB.
 *
 *   npm run bench:import                      692 copies, SQLite
 *   npm run bench:import -- 69 postgres       69 copies, PostgreSQL
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  createEmptyDatabase,
  dropDatabase,
  envFor,
  sqliteDatabase,
  startPostgresCluster,
  type BenchDatabase,
  type EngineName,
} from "./engines";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WORK = path.join(ROOT, "test/.tmp/import-bench");
const [copiesArg = "692", engineArg = "sqlite"] = process.argv.slice(2);
const copies = Number(copiesArg);
const engine = engineArg as EngineName;
if (!Number.isInteger(copies) || copies < 1 || !["sqlite", "postgres"].includes(engine))
  throw new Error("Usage: npm run bench:import -- [copies] [sqlite|postgres]");

function importInto(database: BenchDatabase, dump: string) {
  const result = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "%e %M",
      "node",
      "--max-old-space-size=512",
      "--import",
      "tsx",
      "app/cli/import-stackexchange.ts",
      dump,
      "--site",
      "scaled.bicycles.example",
    ],
    { cwd: ROOT, env: envFor(database), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 },
  );
  // The progress bars go to stderr, and /usr/bin/time's line is its last; the summary to stdout.
  const lines = result.stderr.split(/[\r\n]+/).filter(Boolean);
  if (result.status !== 0) throw new Error(`The import failed:\n${lines.slice(-20).join("\n")}`);
  const [seconds, peakKb] = lines.at(-1)!.split(" ").map(Number);
  const summary = result.stdout.split("\n").filter((line) => line.includes(" imported, "));
  return { seconds, peakMb: Math.round(peakKb / 1024), summary };
}

async function main() {
  const dump = path.join(WORK, `dump-${copies}`);
  if (!fs.existsSync(path.join(dump, "Posts.xml"))) {
    console.log(`Writing ${copies} copies of the shared dump to ${dump}…`);
    execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), ["test/bench/se-scaled-dump.ts", String(copies), dump], {
      cwd: ROOT,
      stdio: "inherit",
    });
  }
  const load = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  let measured: ReturnType<typeof importInto>;
  if (engine === "sqlite") {
    const file = path.join(WORK, "import.sqlite");
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    measured = importInto(sqliteDatabase(file), dump);
  } else {
    const cluster = startPostgresCluster(ROOT);
    try {
      const database = await createEmptyDatabase(cluster.url, "import_bench");
      measured = importInto(database, dump);
      await dropDatabase(database);
    } finally {
      cluster.stop();
    }
  }
  const after = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(measured.summary.join("\n"));
  console.log(
    `\n${engine}, ${copies} copies: ${(measured.seconds / 60).toFixed(1)} min, peak RSS ${measured.peakMb} MB ` +
      `(load average before ${load}, after ${after}); targets: under 60 min at a million posts, under 1,024 MB`,
  );
}

await main();
