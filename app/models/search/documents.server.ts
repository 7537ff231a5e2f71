/**
 * What a search document holds, on either engine: one per thread (title; question plus accepted and
 * verified answers, as plain text) and one per article, each with hyphenated words written as one
 * ("aliases") and a boost. The index holds what everyone may see, so no result needs checking per
 * reader.
 */
import { facetToken } from "./query.server";

export const VERIFIED_BOOST = 1.6;
export const SOLVED_BOOST = 1.4;
/** A thread closed as a duplicate ranks well below its original, which holds the answers. */
export const DUPLICATE_BOOST = 0.3;

export function threadBoost(thread: { duplicate: boolean; verified: boolean; solved: boolean }) {
  if (thread.duplicate) return DUPLICATE_BOOST;
  if (thread.verified) return VERIFIED_BOOST;
  return thread.solved ? SOLVED_BOOST : 1.0;
}

// A word, with any hyphenated parts. Every match of it succeeds once a letter or digit is found, so
// the scan is linear; requiring a hyphen in the pattern (`(?:-…)+`) made every hyphen-less run of
// letters fail and retry from each of its letters: quadratic (~2 s for one 32,000-letter word).
const WORD_WITH_HYPHENS = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

/**
 * "Wi-Fi" is indexed as "wi" and "fi", so someone typing "wifi" or "zwave" would find nothing.
 * Each document's `aliases` hold its hyphenated words written as one ("wifi").
 */
export function hyphenatedCompounds(text: string) {
  const compounds = new Set<string>();
  for (const [word] of text.matchAll(WORD_WITH_HYPHENS)) {
    if (word.includes("-")) compounds.add(word.replaceAll("-", "").toLowerCase());
  }
  return [...compounds].join(" ");
}

/** Facet tokens of one kind for comma-separated values ("§tag§wifi§ §tag§hub§"). */
export const facetTokens = (kind: "cat" | "tag" | "aud" | "is", ...values: unknown[]) =>
  values
    .flatMap((value) => String(value ?? "").split(","))
    .filter(Boolean)
    .map((value) => facetToken(kind, value));
