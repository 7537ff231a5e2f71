/**
 * What a search also looks for beyond the words typed (DECISIONS.md #80): each word's synonyms
 * (staff's groups) and, for a word the reader's vocabulary lacks, its closest vocabulary words. A
 * word the vocabulary holds is searched exactly, so a typo match never outranks an exact one; words
 * of 1-2 letters, numbers and phrases stay exact.
 */
import type { Actor } from "~/lib/permissions.server";
import { parseSearchQuery, type TextQuery } from "./query.server";
import { synonymsFor } from "./synonyms.server";
import { correctionsFor } from "./vocabulary.server";

/** Similar questions OR every word: expansions may add this many words at most. */
const MAX_EXPANDED_WORDS = 36;

export type Expansion = {
  text: TextQuery;
  /** Each corrected word and the correction "Did you mean" would offer (the closest, then most frequent). */
  corrections: Map<string, string>;
};

/** The words typed that may be expanded: bare words, not phrases. */
const expandableWords = (text: TextQuery) =>
  text.kind === "all" ? text.query.required.filter((term) => !term.includes(" ")) : text.words;

export async function expandQuery(actor: Actor, text: TextQuery): Promise<Expansion> {
  const typed = expandableWords(text);
  const [typos, synonyms] = await Promise.all([correctionsFor(actor, typed), synonymsFor(typed)]);
  const alternatives = new Map<string, string[]>();
  for (const word of typed) {
    const others = new Set([...(synonyms.get(word) ?? []), ...(typos.get(word) ?? []).map((typo) => typo.word)]);
    others.delete(word);
    if (others.size > 0) alternatives.set(word, [...others]);
  }
  const corrections = new Map([...typos].map(([word, closest]) => [word, closest[0].word]));
  if (alternatives.size === 0) return { text, corrections };
  if (text.kind === "any") {
    const words = [...new Set([...text.words, ...[...alternatives.values()].flat()])].slice(0, MAX_EXPANDED_WORDS);
    return { text: { ...text, words }, corrections };
  }
  const { required, excluded } = text.query;
  const query = {
    required: required.filter((term) => !alternatives.has(term)),
    excluded,
    anyOf: [...alternatives].map(([word, others]) => [word, ...others]),
  };
  return { text: { ...text, query }, corrections };
}

/** The query as typed with each corrected word replaced by its correction ("Did you mean"). */
export function correctedQuery(q: string, corrections: Map<string, string>) {
  return q.normalize("NFKC").replace(/[\p{L}\p{N}]+/gu, (word) => corrections.get(word.toLowerCase()) ?? word);
}

/** The corrected query as a search of all its words (nothing expanded), to check it finds something. */
export const correctedText = (q: string): TextQuery => ({ kind: "all", query: parseSearchQuery(q) });
