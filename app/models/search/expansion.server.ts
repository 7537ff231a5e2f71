/**
 * What a search also looks for beyond the words typed (DECISIONS.md #80): each word's synonyms
 * (staff's groups) and, for a word the reader's vocabulary lacks, its closest vocabulary words. A
 * word the vocabulary holds is searched exactly, so a typo match never outranks an exact one; words
 * of 1-2 letters, numbers and phrases stay exact; a hyphenated word gets synonyms, not corrections.
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

const isWord = (term: string) => !term.includes(" ");

export async function expandQuery(actor: Actor, text: TextQuery): Promise<Expansion> {
  // Bare words typed may be corrected and have synonyms; a hyphenated word typed (the parser's group
  // of its forms: query.server.ts `hyphenatedForms`) gets its one-word form's synonyms, uncorrected.
  const typed = (text.kind === "all" ? text.query.required : text.words).filter(isWord);
  const compounds = text.kind === "all" ? (text.query.anyOf ?? []).flat().filter(isWord) : [];
  const [typos, synonyms] = await Promise.all([correctionsFor(actor, typed), synonymsFor([...typed, ...compounds])]);
  const alternatives = new Map<string, string[]>();
  for (const word of typed) {
    const others = new Set([...(synonyms.get(word) ?? []), ...(typos.get(word) ?? []).map((typo) => typo.word)]);
    others.delete(word);
    if (others.size > 0) alternatives.set(word, [...others]);
  }
  const corrections = new Map([...typos].map(([word, closest]) => [word, closest[0].word]));
  if (alternatives.size === 0 && !compounds.some((word) => synonyms.has(word))) return { text, corrections };
  if (text.kind === "any") {
    const words = [...new Set([...text.words, ...[...alternatives.values()].flat()])].slice(0, MAX_EXPANDED_WORDS);
    return { text: { ...text, words }, corrections };
  }
  const { required, excluded, anyOf = [] } = text.query;
  const query = {
    required: required.filter((term) => !alternatives.has(term)),
    excluded,
    anyOf: [
      ...anyOf.map((group) => [...new Set([...group, ...group.flatMap((term) => synonyms.get(term) ?? [])])]),
      ...[...alternatives].map(([word, others]) => [word, ...others]),
    ],
  };
  return { text: { ...text, query }, corrections };
}

/** The query as typed with each corrected word replaced by its correction ("Did you mean"). */
export function correctedQuery(q: string, corrections: Map<string, string>) {
  return q.normalize("NFKC").replace(/[\p{L}\p{N}]+/gu, (word) => corrections.get(word.toLowerCase()) ?? word);
}

/** The corrected query as a search of all its words (nothing expanded), to check it finds something. */
export const correctedText = (q: string): TextQuery => ({ kind: "all", query: parseSearchQuery(q) });
