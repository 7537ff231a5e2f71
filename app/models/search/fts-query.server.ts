/**
 * Turns what a person typed into a safe FTS5 query. Nothing the user writes is passed through as
 * FTS5 syntax: words are extracted as runs of letters and digits and each becomes a quoted string,
 * so `*`, `-`, `NEAR`, `OR`, `:`, `^`, column names and unbalanced quotes or parentheses are plain
 * text. Two things people expect from a search box are honoured: "a quoted phrase" and -excluded
 * words.
 */

export type ParsedQuery = {
  /** Words the results must contain (a phrase is one entry, its words space-separated). */
  required: string[];
  excluded: string[];
};

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

const wordsOf = (text: string) =>
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

const quote = (term: string) => `"${term}"`;

/**
 * The FTS5 expression for a parsed query (all required terms, none of the excluded ones), or null
 * when nothing is required: FTS5 cannot answer "everything except x", and neither do we.
 * `prefixLast` makes the last word match as a prefix, for results while someone is still typing.
 */
export function toMatchExpression(query: ParsedQuery, { prefixLast = false } = {}): string | null {
  if (query.required.length === 0) return null;
  const terms = query.required.map(quote);
  const last = query.required.at(-1)!;
  if (prefixLast && !last.includes(" ") && last.length >= 2) terms[terms.length - 1] = `${quote(last)}*`;
  const positive = `(${terms.join(" AND ")})`;
  return query.excluded.length > 0 ? `${positive} NOT (${query.excluded.map(quote).join(" OR ")})` : positive;
}

/** An OR of a sentence's meaningful words, for "questions like the one you are typing". */
export function toSimilarityExpression(sentence: string): string | null {
  const words = [...new Set(wordsOf(sentence).filter((word) => !STOPWORDS.has(word) && word.length > 1))];
  if (words.length === 0) return null;
  return words.slice(0, MAX_TERMS).map(quote).join(" OR ");
}

/**
 * A filter token stored in the `facets` column, e.g. "§tag§wifi". "§" is a token character of the
 * search tables (see the migration) and query words never contain it, so typed words cannot match one.
 */
export const facetToken = (kind: "cat" | "tag" | "aud" | "is", value: string) =>
  `§${kind}§${value.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
