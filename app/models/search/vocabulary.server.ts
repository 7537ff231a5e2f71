/**
 * Search's vocabulary (DECISIONS.md #80): the index's own surface words (as `wordsOf` cuts them,
 * plus hyphenated compounds; never FTS5's stems, since a suggestion must be a real word), with how
 * many documents hold each, per audience that may see those documents. Typo tolerance and
 * "Did you mean" read it; a background job rebuilds it from the index, so it is up to
 * VOCABULARY_MAX_AGE_MS (plus a run) behind the index. Its rows are derived, like the index: a
 * database copy leaves them out and the job builds them again.
 *
 * Audiences: threads in the index are public; an article's title and summary are shown to anyone
 * who may see its teaser, so they are "public" for customer-only articles too; its body belongs to
 * its audience. A reader is offered the words of `vocabularyAudiences` (the permission module).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Audience } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { rawRows, rawRun, read, writeUnseenByVisitors } from "~/lib/db.server";
import { databaseEngine } from "~/lib/env.server";
import { vocabularyAudiences, type Actor } from "~/lib/permissions.server";
import { hyphenatedCompounds } from "./documents.server";
import { wordsOf } from "./query.server";
import {
  allowedDistance,
  closestWords,
  deletions,
  MAX_CORRECTED_LENGTH,
  type Candidate,
  type Correction,
} from "./typos";

/** How old the vocabulary may grow before the job rebuilds it. */
export const VOCABULARY_MAX_AGE_MS = 15 * 60_000;
/**
 * Documents read per statement while rebuilding; the event loop gets a turn between batches (on
 * SQLite a read blocks it, and cutting text into words blocks it on either engine: 8 ms per 250
 * threads of the 1M-post bench community on average, at load 7).
 */
const READ_BATCH = 100;
/** Rows written per statement, and statements per write transaction, while applying a rebuild. */
const WRITE_BATCH = 1_000;
const WRITES_PER_TRANSACTION = 5;
/** Corrections a typed word may match at most. */
export const CORRECTIONS_PER_WORD = 3;

/**
 * A word worth keeping: 3 letters or more, not only digits (numbers stay exact), and no longer than
 * a typed word that may be corrected plus the two edits it may differ by. A longer word can never be
 * a correction, and a word's deletions grow with the cube of its length: a hyphenated compound of a
 * 32,000-character post ("ab-ab-ab-…", not cut to 40 letters as wordsOf cuts words) would block the
 * rebuild for minutes and fill the heap.
 */
const isVocabularyWord = (word: string) =>
  word.length >= 3 && [...word].length <= MAX_CORRECTED_LENGTH + 2 && !/^\p{N}+$/u.test(word);

/**
 * The variants a vocabulary word is stored under: itself and its deletions, one deep, two for
 * words of 6+ letters. Two edits are allowed only from 6 typed letters, and only a word that long
 * can need two deletions of its own to meet a typed word's deletions (two omissions, two swapped
 * letters, an omission and a substitution); shorter words meet them within one.
 */
export const storedDeletions = (word: string) => deletions(word, [...word].length >= 6 ? 2 : 1);

type Counts = Map<string, number>;
type Vocabulary = Map<Audience, Counts>;

function countWords(vocabulary: Vocabulary, audience: Audience, words: Iterable<string>) {
  let counts = vocabulary.get(audience);
  if (!counts) vocabulary.set(audience, (counts = new Map()));
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
}

const documentWords = (...texts: string[]) => {
  const words = new Set<string>();
  for (const text of texts) {
    for (const word of wordsOf(text)) if (isVocabularyWord(word)) words.add(word);
    for (const word of hyphenatedCompounds(text).split(" ")) if (isVocabularyWord(word)) words.add(word);
  }
  return words;
};

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

// The index's stored text, in id order. FTS5 tables are keyed by rowid, PostgreSQL's by thread_id.
// FTS5 scans from the first row for a bound `rowid > ?` (80 ms a batch at 100,000 threads, against
// 0.4 with a literal; #15 saw the same of `rowid = ?`), so SQLite gets the number written in.
const threadBatch = (after: number) =>
  databaseEngine() === "postgres"
    ? sql`SELECT thread_id AS id, title, body FROM search_threads WHERE thread_id > ${after} ORDER BY thread_id LIMIT ${READ_BATCH}`
    : sql`SELECT rowid AS id, title, body FROM search_threads WHERE rowid > ${sql.raw(String(Math.trunc(after)))} ORDER BY rowid LIMIT ${READ_BATCH}`;
const ARTICLES =
  databaseEngine() === "postgres"
    ? sql`SELECT a.title, a.summary, a.body, k.audience FROM search_articles a JOIN kb_articles k ON k.id = a.article_id`
    : sql`SELECT a.title, a.summary, a.body, k.audience FROM search_articles a JOIN kb_articles k ON k.id = a.rowid`;

type TextRow = { id: number; title: string; body: string };
type ArticleRow = { title: string; summary: string; body: string; audience: Audience };

/** The vocabulary the index holds now, read in batches (a million posts' text is read once per rebuild). */
async function vocabularyOfIndex(stopping?: AbortSignal): Promise<Vocabulary | null> {
  const vocabulary: Vocabulary = new Map();
  for (let after = 0; ;) {
    if (stopping?.aborted) return null;
    const rows = await read((db) => rawRows<TextRow>(db, threadBatch(after)));
    if (rows.length === 0) break;
    for (const row of rows) countWords(vocabulary, "public", documentWords(String(row.title), String(row.body ?? "")));
    after = Number(rows.at(-1)!.id);
    await yieldToEventLoop();
  }
  for (const article of await read((db) => rawRows<ArticleRow>(db, ARTICLES))) {
    const teaser = documentWords(String(article.title), String(article.summary));
    const body = [...documentWords(String(article.body))].filter((word) => !teaser.has(word));
    if (article.audience === "staff") countWords(vocabulary, "staff", [...teaser, ...body]);
    else {
      countWords(vocabulary, "public", teaser);
      countWords(vocabulary, article.audience, body);
    }
  }
  return vocabulary;
}

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

/** Runs `statements` a few per write transaction, so a large rebuild never holds the write lock for long. */
async function writeInSteps(statements: SQL[]) {
  for (const step of chunks(statements, WRITES_PER_TRANSACTION)) {
    await writeUnseenByVisitors(async (db) => {
      for (const statement of step) await rawRun(db, statement);
    });
    await yieldToEventLoop();
  }
}

const rowsOf = (rows: unknown[][]) =>
  sql.join(
    rows.map(
      (row) =>
        sql`(${sql.join(
          row.map((value) => sql`${value}`),
          sql`, `,
        )})`,
    ),
    sql`, `,
  );

/**
 * Rebuilds the vocabulary from the index when it is older than VOCABULARY_MAX_AGE_MS (or `force`),
 * writing only what changed: after the first build, a rebuild writes the few words that came or went.
 */
export async function refreshVocabulary(
  at = now(),
  { force = false, stopping }: { force?: boolean; stopping?: AbortSignal } = {},
) {
  const [state] = await read((db) =>
    rawRows<{ built_at: number }>(db, sql`SELECT built_at FROM search_vocabulary_state WHERE id = 1`),
  );
  if (!force && state && at.getTime() - Number(state.built_at) < VOCABULARY_MAX_AGE_MS) return { words: 0, changed: 0 };
  const fresh = await vocabularyOfIndex(stopping);
  if (!fresh) return { words: 0, changed: 0 };
  const stored = await read((db) =>
    rawRows<{ word: string; audience: Audience; documents: number }>(
      db,
      sql`SELECT word, audience, documents FROM search_vocabulary`,
    ),
  );
  const before = new Map<string, number>();
  const wordsBefore = new Set<string>();
  for (const row of stored) {
    before.set(`${row.audience} ${row.word}`, Number(row.documents));
    wordsBefore.add(row.word);
  }
  const upserts: unknown[][] = [];
  const wordsAfter = new Set<string>();
  for (const [audience, counts] of fresh) {
    for (const [word, documents] of counts) {
      wordsAfter.add(word);
      const key = `${audience} ${word}`;
      if (before.get(key) !== documents) upserts.push([word, audience, documents]);
      before.delete(key);
    }
  }
  const removals = [...before.keys()].map((key) => {
    const space = key.indexOf(" ");
    return [key.slice(space + 1), key.slice(0, space)];
  });
  const variantsOf = (words: Iterable<string>) =>
    [...words].flatMap((word) => [...storedDeletions(word)].map((variant) => [variant, word]));
  const addedVariants = variantsOf([...wordsAfter].filter((word) => !wordsBefore.has(word)));
  const removedVariants = variantsOf([...wordsBefore].filter((word) => !wordsAfter.has(word)));
  // In several transactions, so in an order an interruption cannot spoil: a new word's variants
  // before the word (the next run, not finding the word, writes them again), and a word removed
  // before its variants (a variant whose word is gone matches nothing).
  await writeInSteps([
    ...chunks(addedVariants, WRITE_BATCH).map(
      (rows) => sql`INSERT INTO search_word_variants (variant, word) VALUES ${rowsOf(rows)} ON CONFLICT DO NOTHING`,
    ),
    ...chunks(upserts, WRITE_BATCH).map(
      (rows) => sql`INSERT INTO search_vocabulary (word, audience, documents) VALUES ${rowsOf(rows)}
        ON CONFLICT (word, audience) DO UPDATE SET documents = excluded.documents`,
    ),
    ...chunks(removals, WRITE_BATCH).map(
      (rows) => sql`DELETE FROM search_vocabulary WHERE (word, audience) IN (VALUES ${rowsOf(rows)})`,
    ),
    ...chunks(removedVariants, WRITE_BATCH).map(
      (rows) => sql`DELETE FROM search_word_variants WHERE (variant, word) IN (VALUES ${rowsOf(rows)})`,
    ),
    sql`INSERT INTO search_vocabulary_state (id, built_at, words) VALUES (1, ${at.getTime()}, ${wordsAfter.size})
      ON CONFLICT (id) DO UPDATE SET built_at = excluded.built_at, words = excluded.words`,
  ]);
  return { words: wordsAfter.size, changed: upserts.length + removals.length };
}

/** Makes the next job run rebuild the vocabulary (the index was just rebuilt). */
export async function markVocabularyStale() {
  await writeUnseenByVisitors((db) => rawRun(db, sql`DELETE FROM search_vocabulary_state`));
}

export type WordCorrections = Map<string, Correction[]>;

/**
 * The corrections of each typed word the vocabulary `actor` may see lacks (within allowedDistance),
 * closest first, then most frequent; a word it holds, a word of 1-2 letters or a number gets none.
 * One indexed lookup of every typed word's deletions, then each candidate verified here.
 */
export async function correctionsFor(actor: Actor, typed: string[]): Promise<WordCorrections> {
  const words = [...new Set(typed)].filter((word) => allowedDistance(word) > 0);
  if (words.length === 0) return new Map();
  const variants = new Set(words.flatMap((word) => [...deletions(word, allowedDistance(word))]));
  const candidates = await read((db) =>
    rawRows<{ word: string; documents: number }>(
      db,
      sql`SELECT v.word, sum(w.documents) AS documents
        FROM search_word_variants v JOIN search_vocabulary w ON w.word = v.word
        WHERE v.variant IN (${sql.join(
          [...variants].map((variant) => sql`${variant}`),
          sql`, `,
        )})
          AND w.audience IN (${sql.join(
            vocabularyAudiences(actor).map((audience) => sql`${audience}`),
            sql`, `,
          )})
        GROUP BY v.word`,
    ),
  );
  const found: Candidate[] = candidates.map((row) => ({ word: row.word, documents: Number(row.documents) }));
  const known = new Set(found.map((candidate) => candidate.word));
  const corrections: WordCorrections = new Map();
  for (const word of words) {
    if (known.has(word)) continue;
    const closest = closestWords(word, found, CORRECTIONS_PER_WORD);
    if (closest.length > 0) corrections.set(word, closest);
  }
  return corrections;
}
