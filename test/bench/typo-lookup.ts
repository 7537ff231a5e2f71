/**
 * What typo tolerance costs (issue 17), on a copy of a bench database (never the cached file: this
 * migrates it and writes the vocabulary): the vocabulary's rebuild (first, then with nothing
 * changed), its size, and per typed word the lookup (`correctionsFor`: one indexed query of its
 * deletions, verified in JS) and a whole search with a typo against the same search spelt right.
 * Typos are made from the vocabulary's own words (one edit; two from 6 letters), so each has a
 * right answer: how often it comes first is printed too.
 *
 *   DATABASE_PATH=/tmp/copy.sqlite npx tsx test/bench/typo-lookup.ts
 *   DATABASE_URL=postgres://… npx tsx test/bench/typo-lookup.ts
 *   TYPO_WORDS=200                      typed words measured
 *   TYPO_EXTRA_WORDS=200000             first adds this many made-up words (letters drawn by English
 *                                       frequency, 4-12 long) to the vocabulary: the bench communities
 *                                       resample a few thousand words, a real forum has hundreds of thousands
 */
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { closeDatabase, migrateDatabase, rawRows, rawRun, read, writeUnseenByVisitors } from "~/lib/db.server";
import { databaseEngine } from "~/lib/env.server";
import { VISITOR } from "~/lib/permissions.server";
import { ensureSearchIndex } from "~/models/search/index.server";
import { searchSite } from "~/models/search/search.server";
import { allowedDistance } from "~/models/search/typos";
import { correctionsFor, refreshVocabulary, storedDeletions } from "~/models/search/vocabulary.server";

const WORDS = Number(process.env.TYPO_WORDS ?? 200);
const EXTRA_WORDS = Number(process.env.TYPO_EXTRA_WORDS ?? 0);
const FREQUENT_LETTERS =
  "eeeeeeeeeeeettttttttaaaaaaaaoooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddllllcccuuummwwffggyyppbbvkjxqz";
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");

// A fixed sequence, so runs on both engines type the same typos.
let seed = 17;
// xorshift32: exact in JS numbers (a multiplicative generator overflows 2^53 and falls into a short cycle).
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

function typo(word: string) {
  let text = word;
  for (let edit = 0; edit < allowedDistance(word); edit++) {
    const at = Math.floor(random() * text.length);
    const kind = Math.floor(random() * 4);
    const letter = LETTERS[Math.floor(random() * LETTERS.length)];
    if (kind === 0) text = text.slice(0, at) + text.slice(at + 1);
    else if (kind === 1) text = text.slice(0, at) + letter + text.slice(at);
    else if (kind === 2) text = text.slice(0, at) + letter + text.slice(at + 1);
    else if (at + 1 < text.length) text = text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2);
  }
  return text;
}

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))];
const summary = (values: number[]) =>
  `p50 ${percentile(values, 0.5).toFixed(2)} ms, p99 ${percentile(values, 0.99).toFixed(2)} ms (n=${values.length})`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

await migrateDatabase();
console.log(`engine ${databaseEngine()}, load ${load()}`);
const [indexed, indexMs] = await timed(() => ensureSearchIndex());
if (indexed > 0) console.log(`search index built: ${indexed} threads in ${(indexMs / 1000).toFixed(1)} s`);
const [built, buildMs] = await timed(() => refreshVocabulary(new Date(), { force: true }));
console.log(
  `vocabulary rebuilt: ${built.words} words, ${built.changed} rows changed, ${(buildMs / 1000).toFixed(1)} s`,
);
// How long the rebuild keeps other work waiting (what a request beside it would feel), against
// the same process idle for 5 s just before: on a busy machine the idle delay is far from zero.
const idle = monitorEventLoopDelay({ resolution: 5 });
idle.enable();
await new Promise((resolve) => setTimeout(resolve, 5_000));
idle.disable();
console.log(
  `event loop delay idle: p99 ${(idle.percentile(99) / 1e6).toFixed(0)} ms, max ${(idle.max / 1e6).toFixed(0)} ms`,
);
const stalls = monitorEventLoopDelay({ resolution: 5 });
stalls.enable();
const [again, againMs] = await timed(() => refreshVocabulary(new Date(), { force: true }));
stalls.disable();
console.log(`again, nothing changed: ${again.changed} rows changed, ${(againMs / 1000).toFixed(1)} s, load ${load()}`);
console.log(
  `event loop delay meanwhile: p99 ${(stalls.percentile(99) / 1e6).toFixed(0)} ms, max ${(stalls.max / 1e6).toFixed(0)} ms`,
);
async function addMadeUpWords(count: number) {
  const made = new Set<string>();
  while (made.size < count) {
    const length = 4 + Math.floor(random() * 9);
    made.add(Array.from({ length }, () => FREQUENT_LETTERS[Math.floor(random() * FREQUENT_LETTERS.length)]).join(""));
  }
  const words = [...made];
  for (let start = 0; start < words.length; start += 500) {
    const batch = words.slice(start, start + 500);
    const variants = batch.flatMap((word) => [...storedDeletions(word)].map((variant) => sql`(${variant}, ${word})`));
    await writeUnseenByVisitors(async (db) => {
      await rawRun(
        db,
        sql`INSERT INTO search_vocabulary (word, audience, documents) VALUES ${sql.join(
          batch.map((word) => sql`(${word}, 'public', ${1 + Math.floor(random() * 50)})`),
          sql`, `,
        )} ON CONFLICT DO NOTHING`,
      );
      for (let at = 0; at < variants.length; at += 1_000)
        await rawRun(
          db,
          sql`INSERT INTO search_word_variants (variant, word) VALUES ${sql.join(variants.slice(at, at + 1_000), sql`, `)} ON CONFLICT DO NOTHING`,
        );
    });
  }
  if (databaseEngine() === "postgres")
    await writeUnseenByVisitors((db) => rawRun(db, sql`ANALYZE search_word_variants`));
}
if (EXTRA_WORDS > 0) {
  const [, addMs] = await timed(() => addMadeUpWords(EXTRA_WORDS));
  console.log(`added ${EXTRA_WORDS} made-up words in ${(addMs / 1000).toFixed(1)} s`);
}
const [{ vocabulary }] = await read((db) =>
  rawRows<{ vocabulary: number }>(db, sql`SELECT count(DISTINCT word) AS vocabulary FROM search_vocabulary`),
);
console.log(`vocabulary words: ${Number(vocabulary)}`);
const [{ variants }] = await read((db) =>
  rawRows<{ variants: number }>(db, sql`SELECT count(*) AS variants FROM search_word_variants`),
);
console.log(`variant rows: ${Number(variants)}`);

const sample = await read((db) =>
  rawRows<{ word: string }>(
    db,
    sql`SELECT word FROM search_vocabulary WHERE audience = 'public' AND documents >= 5
      AND length(word) BETWEEN 4 AND 12 ORDER BY word`,
  ),
);
const words = Array.from({ length: WORDS }, () => sample[Math.floor(random() * sample.length)].word).filter((word) =>
  /^[a-z]+$/.test(word),
);
const typed = words.map(typo);

// A bare round trip beside each lookup: on a busy machine it says how much of a figure is waiting.
const roundTrips: number[] = [];
const lookups: number[] = [];
let first = 0;
let found = 0;
for (let round = 0; round < 3; round++) {
  for (const [index, word] of typed.entries()) {
    const [corrections, ms] = await timed(() => correctionsFor(VISITOR, [word]));
    if (round > 0) lookups.push(ms);
    if (round > 0) roundTrips.push((await timed(() => read((db) => rawRows(db, sql`SELECT 1`))))[1]);
    if (round === 0 && word !== words[index]) {
      const list = corrections.get(word)?.map((correction) => correction.word) ?? [];
      if (list[0] === words[index]) first++;
      if (list.includes(words[index])) found++;
    }
  }
}
const misspelt = typed.filter((word, index) => word !== words[index]).length;
console.log(`lookup of one typed word: ${summary(lookups)}, load ${load()}`);
console.log(`a bare SELECT 1 beside them:  ${summary(roundTrips)}`);
console.log(`the word typo'd is the first correction for ${first}/${misspelt}, among the 3 for ${found}/${misspelt}`);

const threeWords = typed.slice(0, 60).map((_, index) => typed.slice(index, index + 3));
const threeLookups: number[] = [];
for (const query of threeWords) threeLookups.push((await timed(() => correctionsFor(VISITOR, query)))[1]);
console.log(`lookup of three typed words: ${summary(threeLookups)}`);

// A whole search: the typo'd word, then the word spelt right, alternately.
const withTypo: number[] = [];
const spelt: number[] = [];
for (const [index, word] of typed.slice(0, 100).entries()) {
  withTypo.push((await timed(() => searchSite(VISITOR, { q: word })))[1]);
  spelt.push((await timed(() => searchSite(VISITOR, { q: words[index] })))[1]);
}
console.log(`searchSite with the typo: ${summary(withTypo)}`);
console.log(`searchSite spelt right:   ${summary(spelt)}, load ${load()}`);
await closeDatabase();
