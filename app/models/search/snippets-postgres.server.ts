/**
 * Titles and snippets with the hits marked, on PostgreSQL, for the hits of one page. The words to
 * mark are found in each document's tsvector (the positions of the query's lexemes), and the stored
 * text is cut into the same runs of letters and digits the tsvector was built from (`tsText`), so
 * no text is parsed again: `ts_headline` over whole bodies parsed and stemmed every word of them
 * and was most of a page's search time. Where the runs may not line up with the positions (text
 * that NFKC changes, a hit whose word does not start as its lexeme does, a position past
 * PostgreSQL's last one), that document falls back to `ts_headline`. DECISIONS.md #69.
 */
import { sql, type SQL } from "drizzle-orm";
import { soughtTerms, type TextQuery } from "./query.server";
import {
  HIT_END,
  HIT_START,
  SNIPPET_WORDS,
  type ArticleText,
  type SearchEngine,
  type ThreadText,
} from "./engine.server";
import type { PgRows, PgRun, SearchTable } from "./engine-postgres.server";

type Texts = Pick<SearchEngine, "threadTexts" | "articleTexts">;
type Hit = { position: number; lexeme: string };

/** A run of letters and digits: a word of the tsvector (`tsText`). */
const WORD = /[\p{L}\p{N}]+/gu;
/** PostgreSQL leaves out a word of this many bytes or more, and gives it no position. */
const MAX_WORD_BYTES = 2047;
/** The last position a tsvector can hold; later words all get it, so a hit there cannot be placed. */
const LAST_POSITION = 16383;
const idList = (ids: number[]) => sql`${sql.param(ids)}::int[]`;
const HEADLINE_OPTIONS = `HighlightAll=true, StartSel=${HIT_START}, StopSel=${HIT_END}`;

/** The words marked: the required words and phrases, or any of a sentence's words. */
function markedWords(text: TextQuery) {
  if (text.kind === "any") return { words: text.words.join(" "), prefix: null };
  const last = text.query.required.at(-1) ?? "";
  const prefixed = text.prefixLast === true && !last.includes(" ") && last.length >= 2;
  return { words: soughtTerms(text.query).join(" "), prefix: prefixed ? last : null };
}

/**
 * `columns` of the documents `ids` of `table`, with the positions and lexemes of their hits (the
 * query's lexemes, and those that begin with a typed prefix) and where their sections end: the
 * sections are weighted title A, summary B, aliases C, body D, in that order, and `ends` names the
 * last position of the sections of the weights it lists. Setting the hits' weight apart and
 * filtering on it (in C) spares unnesting every lexeme of a long document.
 */
function withHits(text: TextQuery, table: SearchTable, columns: SQL, ids: number[], ends: Record<string, string[]>) {
  const { words, prefix } = markedWords(text);
  const id = sql.identifier(table === "search_threads" ? "thread_id" : "article_id");
  const before = [...new Set(Object.values(ends).flat())];
  const sectionEnds = Object.entries(ends).map(
    ([name, weights]) =>
      sql`max(x.position) FILTER (WHERE x.weight = ANY(${sql.param(weights)}::text[])) AS ${sql.identifier(name)}`,
  );
  return sql`
    WITH query AS MATERIALIZED (
      SELECT tsvector_to_array(to_tsvector('hearth', ${words})) AS lexemes,
        (tsvector_to_array(to_tsvector('hearth', ${prefix}::text)))[1] AS prefix)
    SELECT ${id} AS id, ${columns}, hits.*, sections.*
    FROM ${sql.identifier(table)}, query,
      LATERAL (SELECT CASE WHEN query.prefix IS NULL THEN query.lexemes ELSE query.lexemes || ARRAY(
        SELECT lexeme FROM unnest(tsvector_to_array(tsv)) lexeme WHERE starts_with(lexeme, query.prefix)) END AS marked) marked,
      LATERAL (
        SELECT array_agg(x.position) AS positions, array_agg(u.lexeme) AS lexemes
        FROM unnest(ts_filter(setweight(setweight(tsv, 'D'), 'A', marked.marked), '{a}')) u,
          unnest(u.positions) AS x(position)) hits,
      LATERAL (
        SELECT ${sql.join(sectionEnds, sql`, `)}
        FROM unnest(ts_filter(tsv, ${sql.param(before.map((weight) => weight.toLowerCase()))}::"char"[])) u,
          unnest(u.positions, u.weights) AS x(position, weight)) sections
    WHERE ${id} = ANY(${idList(ids)})`;
}

function hitsOf(row: PgRows[number]): Hit[] {
  const positions = (row.positions as number[] | null) ?? [];
  const lexemes = row.lexemes as string[];
  return positions.map((position, index) => ({ position, lexeme: lexemes[index] }));
}

/** The first letter as a lexeme starts: lower case, accents off (a stem keeps its word's first letter). */
const firstLetter = (word: string) => word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")[0];

// A character outside ASCII: NFKC leaves a text without one as it is (no copy made to compare).
const NON_ASCII = /\P{ASCII}/u;

/**
 * `text`, the section after position `after` up to `end`, with its words at the `hits` there
 * marked, or null when the words may not line up with the positions. The text is read only as far
 * as its last hit (a long body's hits are often near its start).
 */
export function markAt(text: string, hits: Hit[], after: number, end: number): string | null {
  const here = hits.filter((hit) => hit.position > after && hit.position <= end);
  if (here.length === 0) return text;
  if (here.some((hit) => hit.position >= LAST_POSITION)) return null;
  // tsText reads the text NFKC-normalized: where that changes it, its words may differ.
  if (NON_ASCII.test(text) && text.normalize("NFKC") !== text) return null;
  const wanted = new Set(here.map((hit) => hit.position - after - 1));
  const lastWanted = Math.max(...wanted);
  const found = new Map<number, { start: number; word: string }>();
  const words = new RegExp(WORD.source, WORD.flags);
  for (let index = 0, match = words.exec(text); match && index <= lastWanted; match = words.exec(text)) {
    const word = match[0];
    if (word.length * 3 >= MAX_WORD_BYTES && Buffer.byteLength(word) >= MAX_WORD_BYTES) continue; // no position
    if (wanted.has(index)) found.set(index, { start: match.index, word });
    index += 1;
  }
  for (const hit of here) {
    const word = found.get(hit.position - after - 1);
    if (!word || firstLetter(word.word[0]) !== hit.lexeme[0]) return null;
  }
  let result = "";
  let from = 0;
  for (const index of [...wanted].sort((a, b) => a - b)) {
    const { start, word } = found.get(index)!;
    result += `${text.slice(from, start)}${HIT_START}${word}${HIT_END}`;
    from = start + word.length;
  }
  return result + text.slice(from);
}

/** Whether a UTF-16 code unit is one of JavaScript's `\s` (none of them is outside the BMP). */
function isSpace(code: number) {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Where the whitespace-separated words of `text` are: calls `onWord(index, start, end)` for each
 * until it returns true; the number of words seen. Character by character, so a long body costs no
 * array of its words.
 */
function eachWord(text: string, onWord: (index: number, start: number, end: number) => boolean | void): number {
  let count = 0;
  let start = -1;
  for (let at = 0; at <= text.length; at += 1) {
    const space = at === text.length || isSpace(text.charCodeAt(at));
    if (!space && start === -1) start = at;
    else if (space && start !== -1) {
      if (onWord(count, start, at) === true) return count + 1;
      count += 1;
      start = -1;
    }
  }
  return count;
}

export function plainAround(marked: string): string {
  // FTS5's snippet(): the window of SNIPPET_WORDS words with the most hits, the hits centred, and
  // "…" where the text goes on. Every hit of the whole text is marked, so the window is chosen
  // here, the same way for every field.
  const hitWords: number[] = []; // the words holding a mark, in order
  const wordCount = eachWord(marked, (index, start, end) => {
    const mark = marked.indexOf(HIT_START, start);
    if (mark !== -1 && mark < end) hitWords.push(index);
  });
  if (wordCount <= SNIPPET_WORDS) return marked.trim();
  // The first window with the most hits: a sliding count over the hits' word numbers.
  let [best, bestCount] = [0, 0];
  for (let start = 0, first = 0, next = 0; start + SNIPPET_WORDS <= wordCount; start += 1) {
    while (first < hitWords.length && hitWords[first] < start) first += 1;
    while (next < hitWords.length && hitWords[next] < start + SNIPPET_WORDS) next += 1;
    if (next - first > bestCount) [best, bestCount] = [start, next - first];
  }
  if (bestCount > 0) {
    const inWindow = hitWords.filter((word) => word >= best && word < best + SNIPPET_WORDS);
    const [first, last] = [inWindow[0], inWindow[inWindow.length - 1]];
    best = Math.max(
      0,
      Math.min(wordCount - SNIPPET_WORDS, first - Math.floor((SNIPPET_WORDS - (last - first + 1)) / 2)),
    );
  }
  let [from, to] = [0, 0];
  eachWord(marked, (index, start, end) => {
    if (index === best) from = start;
    if (index < best + SNIPPET_WORDS - 1) return false;
    to = end;
    return true;
  });
  const text = marked.slice(from, to);
  return `${best > 0 ? "…" : ""}${text}${best + SNIPPET_WORDS < wordCount ? "…" : ""}`;
}

/**
 * The fallback: the whole text of `column` with every hit marked by `ts_headline`. PostgreSQL's
 * parser reads "abuse/moderation", "host.name" or "a_b" as one token, which the query's words never
 * match (the tsvector is built from letters and digits alone), so a zero-width space after each
 * such joint splits them for the headline; `withoutJoints` takes it out again.
 */
const headline = (column: string, query: SQL) =>
  sql`ts_headline('hearth', regexp_replace(${sql.identifier(column)}, '([./@_:])', '\\1' || chr(8203), 'g'), ${query}, ${HEADLINE_OPTIONS})`;
const withoutJoints = (marked: unknown) => String(marked).replace(/([./@_:])\u200B/g, "$1");

/** Marks each row's fields with `mark`, and those it cannot with `ts_headline` (`fallback`). */
async function markRows<T>(
  rows: PgRows,
  mark: (row: PgRows[number], hits: Hit[]) => T | null,
  fallback: (ids: number[]) => Promise<PgRows>,
  fromHeadlines: (row: PgRows[number]) => T,
) {
  const texts = new Map<number, T>();
  const unmarked: number[] = [];
  for (const row of rows) {
    const marked = mark(row, hitsOf(row));
    if (marked === null) unmarked.push(Number(row.id));
    else texts.set(Number(row.id), marked);
  }
  if (unmarked.length > 0) for (const row of await fallback(unmarked)) texts.set(Number(row.id), fromHeadlines(row));
  return texts;
}

/** Titles and snippets of a page's hits on PostgreSQL; `tsQuery` is the text's `to_tsquery`, for the fallback. */
export function postgresTextsOn(run: PgRun, tsQuery: (text: TextQuery) => SQL | null): Texts {
  return {
    async threadTexts(text, ids) {
      const q = tsQuery(text);
      if (!q || ids.length === 0) return new Map();
      const rows = await run(
        withHits(text, "search_threads", sql`title, body, boost`, ids, { title_end: ["A"], body_after: ["A", "C"] }),
        { keepPrepared: true },
      );
      return markRows<ThreadText>(
        rows,
        (row, hits) => {
          const title = markAt(String(row.title), hits, 0, Number(row.title_end));
          const body = markAt(String(row.body), hits, Number(row.body_after), Infinity);
          return title === null || body === null
            ? null
            : { title, snippet: plainAround(body), boost: Number(row.boost) };
        },
        (unmarked) =>
          run(sql`
            SELECT thread_id AS id, ${headline("title", q)} AS title, ${headline("body", q)} AS body, boost
            FROM search_threads WHERE thread_id = ANY(${idList(unmarked)})`),
        (row) => ({
          title: withoutJoints(row.title),
          snippet: plainAround(withoutJoints(row.body)),
          boost: Number(row.boost),
        }),
      );
    },
    async articleTexts(text, ids) {
      const q = tsQuery(text);
      if (!q || ids.length === 0) return new Map();
      const tags = sql`(SELECT string_agg(tag, ',') FROM kb_article_tags WHERE article_id = search_articles.article_id) AS tags`;
      const rows = await run(
        withHits(text, "search_articles", sql`title, summary, body, ${tags}`, ids, {
          title_end: ["A"],
          summary_end: ["A", "B"],
          body_after: ["A", "B", "C"],
        }),
        { keepPrepared: true },
      );
      const tagsOf = (row: PgRows[number]) => (row.tags ? String(row.tags).split(",") : []);
      return markRows<ArticleText>(
        rows,
        (row, hits) => {
          const [titleEnd, summaryEnd] = [Number(row.title_end), Number(row.summary_end)];
          const title = markAt(String(row.title), hits, 0, titleEnd);
          const summary = markAt(String(row.summary), hits, titleEnd, summaryEnd);
          const body = markAt(String(row.body), hits, Number(row.body_after), Infinity);
          if (title === null || summary === null || body === null) return null;
          return { title, summary: plainAround(summary), body: plainAround(body), tags: tagsOf(row) };
        },
        (unmarked) =>
          run(sql`
            SELECT article_id AS id, ${headline("title", q)} AS title, ${headline("summary", q)} AS summary,
              ${headline("body", q)} AS body, ${tags}
            FROM search_articles WHERE article_id = ANY(${idList(unmarked)})`),
        (row) => ({
          title: withoutJoints(row.title),
          summary: plainAround(withoutJoints(row.summary)),
          body: plainAround(withoutJoints(row.body)),
          tags: tagsOf(row),
        }),
      );
    },
  };
}
