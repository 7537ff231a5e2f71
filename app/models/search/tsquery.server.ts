/**
 * A parsed query (query.server.ts) as PostgreSQL `to_tsquery` text, bound as a parameter of
 * `to_tsquery('hearth', $1)`. Every word or phrase becomes a quoted lexeme ('drops offline' is a
 * phrase, <-> between its words, once the configuration has read it), so `&`, `|`, `!`, `<->`, `:*`,
 * parentheses and weights typed by a user are never tsquery syntax.
 */
import { requiredTermCount, type ParsedQuery } from "./query.server";

// Words are runs of letters and digits already; doubling quotes and backslashes keeps this safe
// for any string all the same.
const quote = (term: string) => `'${term.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/** All required terms and none of the excluded ones, or null when nothing is required. */
export function toTsQuery(query: ParsedQuery, { prefixLast = false } = {}): string | null {
  if (requiredTermCount(query) === 0) return null;
  const terms = query.required.map(quote);
  const last = query.required.at(-1);
  if (prefixLast && last && !last.includes(" ") && last.length >= 2) terms[terms.length - 1] = `${quote(last)}:*`;
  for (const group of query.anyOf ?? []) terms.push(`(${group.map(quote).join(" | ")})`);
  return [...terms, ...query.excluded.map((term) => `!${quote(term)}`)].join(" & ");
}

/** Any of the words, for "questions like the one you are typing". */
export function toAnyWordTsQuery(words: string[]): string | null {
  return words.length === 0 ? null : words.map(quote).join(" | ");
}

/**
 * The text a document's tsvector is built from: runs of letters and digits, as FTS5's unicode61
 * tokenizer reads them. PostgreSQL's own parser keeps "mastodon.social", "a_b" or "1.5" as one token,
 * so "mastodon" would not find them; the stored text keeps its punctuation for snippets.
 */
export const tsText = (text: string) => text.normalize("NFKC").replace(/[^\p{L}\p{N}]+/gu, " ");
