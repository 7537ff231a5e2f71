/**
 * npm run bench:search-quality: how well search finds what people mean, measured on a real
 * community. A Stack Exchange dump (the shared Bicycles Meta one by default) is imported with
 * `npm run import:stackexchange` into a new database of each engine; every question closed as a
 * duplicate is then asked again by its title (test/bench/search-quality-task.ts), and the report
 * says how often the question it duplicates is among the first 10 questions (recall@10) and its
 * mean reciprocal rank (1/rank, 0 when missing), for the similar-questions list (the ask page) and
 * for the search page. It reports; it fails only when a case cannot be measured.
 *
 *   npm run bench:search-quality                      the shared dump, SQLite then PostgreSQL
 *   npm run bench:search-quality -- <dump folder> <site host>     another site's dump
 *   BENCH_ENGINES=sqlite npm run bench:search-quality one engine
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { DuplicateCase } from "./search-quality-task";
import {
  benchEngines,
  createEmptyDatabase,
  dropDatabase,
  engineLabel,
  envFor,
  sqliteDatabase,
  startPostgresCluster,
  type BenchDatabase,
  type EngineName,
} from "./engines";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WORK = path.join(ROOT, "test/.tmp/search-quality");
const DEPTH = 10;

/** The dump and the site it is of (the shared one's unless both are named). */
function dump() {
  const [named, site] = process.argv.slice(2);
  if (named && !site)
    throw new Error("Name the dump's site after its folder, e.g. -- <folder> bicycles.stackexchange.com");
  const folder = named ?? path.join(process.env.HEARTH_TEST_DATA ?? "/work/shared/data", "se-bicycles-meta");
  if (!fs.existsSync(path.join(folder, "Posts.xml")))
    throw new Error(`No Stack Exchange dump at ${folder} (Posts.xml is missing): name a dump folder`);
  return { folder, site: site ?? "bicycles.meta.stackexchange.com" };
}

function run(database: BenchDatabase, command: string, args: string[]) {
  return execFileSync(command, args, {
    cwd: ROOT,
    env: envFor(database),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function measure(database: BenchDatabase, { folder, site }: ReturnType<typeof dump>): DuplicateCase[] {
  run(database, "npm", ["run", "--silent", "import:stackexchange", "--", folder, "--site", site]);
  const output = run(database, path.join(ROOT, "node_modules/.bin/tsx"), ["test/bench/search-quality-task.ts"]);
  return (JSON.parse(output.trim().split("\n").at(-1)!) as { cases: DuplicateCase[] }).cases;
}

const recall = (ranks: (number | null)[]) => ranks.filter((rank) => rank !== null).length / ranks.length;
const meanReciprocalRank = (ranks: (number | null)[]) =>
  ranks.reduce<number>((sum, rank) => sum + (rank === null ? 0 : 1 / rank), 0) / ranks.length;

function report(engine: EngineName, cases: DuplicateCase[]) {
  if (cases.length === 0) throw new Error(`${engineLabel(engine)}: the import holds no duplicate pair to measure`);
  const similar = cases.map((c) => c.similarRank);
  const search = cases.map((c) => c.searchRank);
  console.log(`\n${engineLabel(engine)}: ${cases.length} questions closed as duplicates, asked again by title`);
  console.table({
    "similar questions": {
      [`recall@${DEPTH}`]: recall(similar).toFixed(2),
      MRR: meanReciprocalRank(similar).toFixed(2),
    },
    "search page": { [`recall@${DEPTH}`]: recall(search).toFixed(2), MRR: meanReciprocalRank(search).toFixed(2) },
  });
  for (const c of cases) {
    const at = (rank: number | null) => (rank === null ? "-" : String(rank));
    console.log(
      `  similar ${at(c.similarRank).padStart(2)}  search ${at(c.searchRank).padStart(2)}  "${c.title}" -> #${c.originalId}`,
    );
  }
}

async function main() {
  const source = dump();
  fs.mkdirSync(WORK, { recursive: true });
  console.log(`Stack Exchange dump of ${source.site}: ${source.folder}`);
  for (const engine of benchEngines()) {
    if (engine === "sqlite") {
      const file = path.join(WORK, `quality-${process.pid}.sqlite`);
      try {
        report(engine, measure(sqliteDatabase(file), source));
      } finally {
        for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
      }
    } else {
      const cluster = startPostgresCluster(ROOT);
      try {
        const database = await createEmptyDatabase(cluster.url, "search_quality");
        report(engine, measure(database, source));
        await dropDatabase(database);
      } finally {
        cluster.stop();
      }
    }
  }
}

await main();
