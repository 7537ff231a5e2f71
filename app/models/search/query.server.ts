/**
 * What a person typed, read once into an engine-neutral query: required words and "phrases",
 * -excluded words, the meaningful words of a sentence (similar questions) and filter tokens. Each
 * engine turns this into its own syntax (fts-query.server.ts for SQLite FTS5, tsquery.server.ts for
 * PostgreSQL); nothing the user writes reaches either syntax except as runs of letters and digits.
 */

export type ParsedQuery = {
  /** Words the results must contain (a phrase is one entry, its words space-separated). */
  required: string[];
  excluded: string[];
  /**
   * Required groups of which any one term will do: a typed word with its typo corrections and
   * synonyms (expansion.server.ts), the typed word first. Never filled by the parser.
   */
  anyOf?: string[][];
};

/** What a search looks for: all of a parsed query, or any of a sentence's meaningful words. */
export type TextQuery =
  { kind: "all"; query: ParsedQuery; prefixLast?: boolean } | { kind: "any"; words: string[]; sentence: string };

const MAX_TERMS = 12;
const MAX_WORD_LENGTH = 40;
const WORD = /[\p{L}\p{N}]+/gu;

// Left out of "similar question" lookups, where the title is a sentence and every word is OR-ed.
const STOPWORDS = new Set(
  (
    "a an and are as at be but by can could do does did for from has have how i if in into is it its " +
    "me my no not of on or our so that the their them then there these this to was we what when where " +
    "which who why will with would you your after before still just get got any some after again also " +
    "won t s don doesn isn didn cant"
  ).split(" "),
);

/** Every term a query looks for (required, then each group's), for marking hits. */
export const soughtTerms = (query: ParsedQuery) => [...query.required, ...(query.anyOf ?? []).flat()];

export const wordsOf = (text: string) =>
  (text.normalize("NFKC").toLowerCase().match(WORD) ?? []).map((word) => word.slice(0, MAX_WORD_LENGTH));

export function parseSearchQuery(input: string): ParsedQuery {
  const required: string[] = [];
  const excluded: string[] = [];
  // A quoted run is a phrase; an unbalanced quote simply runs to the end of the input.
  const pattern = /(-?)"([^"]*)"?|(\S+)/g;
  for (const match of input.slice(0, 500).matchAll(pattern)) {
    const [, negation, phrase, bare] = match;
    const isExcluded = negation === "-" || (bare?.startsWith("-") ?? false);
    const words = wordsOf(phrase ?? bare ?? "");
    if (words.length === 0) continue;
    if (isExcluded) excluded.push(...(phrase !== undefined ? [words.join(" ")] : words));
    else if (phrase !== undefined) required.push(words.join(" "));
    else required.push(...words);
  }
  return { required: required.slice(0, MAX_TERMS), excluded: excluded.slice(0, MAX_TERMS) };
}

/** The meaningful words of a sentence (no stopwords, no single letters), for "questions like this one". */
export function similarityWords(sentence: string): string[] {
  const words = [...new Set(wordsOf(sentence).filter((word) => !STOPWORDS.has(word) && word.length > 1))];
  return words.slice(0, MAX_TERMS);
}

/**
 * A filter token, e.g. "§tag§wifi": stored with each document (FTS5's `facets` column, PostgreSQL's
 * `facets` array). "§" is never part of a query word, so typed words cannot match one.
 */
export const facetToken = (kind: "cat" | "tag" | "aud" | "is", value: string) =>
  `§${kind}§${value.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
