/**
 * A parsed query (query.server.ts) as a safe FTS5 expression. Nothing the user writes is passed
 * through as FTS5 syntax: each word or phrase becomes a quoted string, so `*`, `-`, `NEAR`, `OR`,
 * `:`, `^`, column names and unbalanced quotes or parentheses are plain text.
 */
import { requiredTermCount, similarityWords, type ParsedQuery } from "./query.server";

export { parseSearchQuery, type ParsedQuery } from "./query.server";

const quote = (term: string) => `"${term}"`;

/**
 * The FTS5 expression for a parsed query (all required terms, none of the excluded ones), or null
 * when nothing is required: FTS5 cannot answer "everything except x", and neither do we.
 * `prefixLast` makes the last word match as a prefix, for results while someone is still typing.
 */
export function toMatchExpression(query: ParsedQuery, { prefixLast = false } = {}): string | null {
  if (requiredTermCount(query) === 0) return null;
  const terms = query.required.map(quote);
  const last = query.required.at(-1);
  if (prefixLast && last && !last.includes(" ") && last.length >= 2) terms[terms.length - 1] = `${quote(last)}*`;
  for (const group of query.anyOf ?? []) terms.push(`(${group.map(quote).join(" OR ")})`);
  const positive = `(${terms.join(" AND ")})`;
  return query.excluded.length > 0 ? `${positive} NOT (${query.excluded.map(quote).join(" OR ")})` : positive;
}

/** An OR of words, for "questions like the one you are typing". */
export function toAnyWordExpression(words: string[]): string | null {
  return words.length === 0 ? null : words.map(quote).join(" OR ");
}

/** An OR of a sentence's meaningful words. */
export function toSimilarityExpression(sentence: string): string | null {
  return toAnyWordExpression(similarityWords(sentence));
}
