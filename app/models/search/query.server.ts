/**
 * What a person typed, read once into an engine-neutral query: required words and "phrases",
 * -excluded words, the meaningful words of a sentence (similar questions) and filter tokens. Each
 * engine turns this into its own syntax (fts-query.server.ts for SQLite FTS5, tsquery.server.ts for
 * PostgreSQL); nothing the user writes reaches either syntax except as runs of letters and digits.
 */
import { cutToLength } from "~/lib/text";

export type ParsedQuery = {
  /** Words the results must contain (a phrase is one entry, its words space-separated). */
  required: string[];
  excluded: string[];
  /**
   * Required groups of which any one term will do, the typed word first: a hyphenated word typed
   * (the parser's: `hyphenatedForms`), and a typed word with its typo corrections and synonyms
   * (expansion.server.ts).
   */
  anyOf?: string[][];
};

/** What a search looks for: all of a parsed query, or any of a sentence's meaningful words. */
export type TextQuery =
  { kind: "all"; query: ParsedQuery; prefixLast?: boolean } | { kind: "any"; words: string[]; sentence: string };

const MAX_TERMS = 12;
const MAX_WORD_LENGTH = 40;
const WORD = /[\p{L}\p{N}]+/gu;
// A word with any hyphenated parts ("wi-fi"); linear, as documents.server.ts explains.
const WORD_WITH_HYPHENS = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

// Left out of "similar question" lookups, where the title is a sentence and every word is OR-ed.
const STOPWORDS = new Set(
  (
    "a an and are as at be but by can could do does did for from has have how i if in into is it its " +
    "me my no not of on or our so that the their them then there these this to was we what when where " +
    "which who why will with would you your after before still just get got any some after again also " +
    "won t s don doesn isn didn cant"
  ).split(" "),
);

/** How many terms a query requires: words and phrases, and groups of alternatives. */
export const requiredTermCount = (query: ParsedQuery) => query.required.length + (query.anyOf?.length ?? 0);

/** Every term a query looks for (required, then each group's), for marking hits. */
export const soughtTerms = (query: ParsedQuery) => [...query.required, ...(query.anyOf ?? []).flat()];

export const wordsOf = (text: string) =>
  (text.normalize("NFKC").toLowerCase().match(WORD) ?? []).map((word) => cutToLength(word, MAX_WORD_LENGTH));

/** The words of `text` as `wordsOf` cuts them, except that a hyphenated word stays one ("wi-fi"). */
const typedWordsOf = (text: string) =>
  (text.normalize("NFKC").toLowerCase().match(WORD_WITH_HYPHENS) ?? []).map((word) =>
    word
      .split("-")
      .map((part) => cutToLength(part, MAX_WORD_LENGTH))
      .join("-"),
  );

/**
 * How a hyphenated word is searched: as its phrase ("wi fi", which is how both engines read
 * "wi-fi" in a text) and as one word ("wifi": the index holds each hyphenated word written as one
 * too, documents.server.ts), so "wi-fi" finds "Wi-Fi", "wi fi" and "wifi" alike. Its one-word form
 * is the word a synonym group knows it by (synonyms.server.ts). Other words are searched as typed.
 */
export const hyphenatedForms = (word: string) =>
  word.includes("-") ? [word.replaceAll("-", " "), word.replaceAll("-", "")] : [word];

export function parseSearchQuery(input: string): ParsedQuery {
  const required: string[] = [];
  const excluded: string[] = [];
  const anyOf: string[][] = [];
  // A quoted run is a phrase; an unbalanced quote simply runs to the end of the input.
  const pattern = /(-?)"([^"]*)"?|(\S+)/g;
  for (const match of cutToLength(input, 500).matchAll(pattern)) {
    const [, negation, phrase, bare] = match;
    const isExcluded = negation === "-" || (bare?.startsWith("-") ?? false);
    if (phrase !== undefined) {
      const words = wordsOf(phrase);
      if (words.length > 0) (isExcluded ? excluded : required).push(words.join(" "));
      continue;
    }
    for (const word of typedWordsOf(bare ?? "")) {
      const forms = hyphenatedForms(word);
      if (isExcluded) excluded.push(...forms);
      else if (forms.length === 1) required.push(word);
      else anyOf.push(forms);
    }
  }
  // At most MAX_TERMS terms to look for, required words first.
  const kept = required.slice(0, MAX_TERMS);
  const groups = anyOf.slice(0, MAX_TERMS - kept.length);
  return {
    required: kept,
    excluded: excluded.slice(0, MAX_TERMS),
    ...(groups.length > 0 ? { anyOf: groups } : {}),
  };
}

/**
 * The meaningful words of a sentence (no stopwords, no single letters), for "questions like this
 * one"; a hyphenated word as both its forms (`hyphenatedForms`).
 */
export function similarityWords(sentence: string): string[] {
  const words = typedWordsOf(sentence).flatMap((word) =>
    word.includes("-") ? hyphenatedForms(word) : !STOPWORDS.has(word) && word.length > 1 ? [word] : [],
  );
  return [...new Set(words)].slice(0, MAX_TERMS);
}

const facetCharacter = (char: string) => (/[a-z0-9]/.test(char) ? char : `§${char.codePointAt(0)!.toString(16)}§`);

/**
 * A filter token, e.g. "§tag§wifi§": stored with each document (FTS5's `facets` column, PostgreSQL's
 * `facets` array). "§" is never part of a query word, so typed words cannot match one. Each value has
 * its own token: letters and digits stay, any other character is written as its code point between
 * "§"s ("c++" is "§tag§c§2b§§2b§§", apart from "c" and "c#"), and the closing "§" keeps FTS5's porter
 * stemmer off it ("printers" is not "printer"), so the token survives FTS5's tokenizer whole.
 */
export const facetToken = (kind: "cat" | "tag" | "aud" | "is", value: string) =>
  `§${kind}§${[...value.toLowerCase()].map(facetCharacter).join("")}§`;
