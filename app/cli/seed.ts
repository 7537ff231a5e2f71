// npm run db:seed                 migrate, then seed the demo community if the database is empty
// npm run db:seed -- --threads 10000 --answers 100000 [--users N] [--seed N] [--corpus DIR|demo]
//                                 add a synthetic community of that size (for benchmarks); its text
//                                 comes from ../shared/data beside the checkout unless --corpus names
//                                 another folder (or demo: the demo community's), else it stops
import { parseArgs } from "node:util";
import { closeDatabase, databaseDescription } from "~/lib/db.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import { prepareDatabase } from "~/server/prepare.server";
import { seedDemoWhenEmpty } from "../../db/seed/seed-demo";
import { loadCorpus, seedSyntheticCommunity } from "../../db/seed/synthetic";

exitOnInvalidConfiguration();

const { values } = parseArgs({
  options: {
    threads: { type: "string" },
    answers: { type: "string" },
    users: { type: "string" },
    seed: { type: "string" },
    corpus: { type: "string" },
  },
});

const count = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} takes a whole number, got "${value}"`);
  return parsed;
};

const threads = count("threads", values.threads);
if (threads !== undefined) {
  // Before anything is written: without its text corpus the seed stops, naming the folder it looked for.
  try {
    loadCorpus(values.corpus);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
await prepareDatabase();
await seedDemoWhenEmpty();
if (threads !== undefined) {
  const started = Date.now();
  const result = await seedSyntheticCommunity({
    threads,
    answers: count("answers", values.answers) ?? threads * 10,
    users: count("users", values.users),
    seed: count("seed", values.seed),
    corpusDir: values.corpus,
    log: (line) => console.log(line),
  });
  console.log(
    `Added ${result.threads} threads, ${result.answers} answers, ${result.users} users in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
await closeDatabase();
console.log(`Seeded ${databaseDescription().database}`);
