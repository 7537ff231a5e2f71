import { describe, expect, it } from "vitest";
import { HIT_END, HIT_START, SNIPPET_WORDS } from "~/models/search/engine.server";
import { markAt, plainAround } from "~/models/search/snippets-postgres.server";

type Hit = { position: number; lexeme: string };

// The first version of both functions, which split the whole text into arrays of its words: the
// scanning ones must give the same text for every input, hostile ones included.
const WORD = /[\p{L}\p{N}]+/gu;
const firstLetter = (word: string) => word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")[0];
function markAtBySplitting(text: string, hits: Hit[], after: number, end: number): string | null {
  const here = hits.filter((hit) => hit.position > after && hit.position <= end);
  if (here.length === 0) return text;
  if (text.normalize("NFKC") !== text) return null;
  const words = [...text.matchAll(WORD)].filter(([word]) => word.length * 3 < 2047 || Buffer.byteLength(word) < 2047);
  const marked = new Set<number>();
  for (const hit of here) {
    const word = words[hit.position - after - 1];
    if (hit.position >= 16383 || !word || firstLetter(word[0]) !== hit.lexeme[0]) return null;
    marked.add(hit.position - after - 1);
  }
  let result = "";
  let from = 0;
  for (const index of [...marked].sort((a, b) => a - b)) {
    const start = words[index].index;
    const wordEnd = start + words[index][0].length;
    result += `${text.slice(from, start)}${HIT_START}${text.slice(start, wordEnd)}${HIT_END}`;
    from = wordEnd;
  }
  return result + text.slice(from);
}
function plainAroundBySplitting(marked: string): string {
  const tokens = marked.split(/(\s+)/).filter((token) => token.length > 0);
  const words = tokens.map((token, index) => ({ token, index })).filter(({ token }) => !/^\s+$/.test(token));
  if (words.length <= SNIPPET_WORDS) return marked.trim();
  const hits = words.map(({ token }) => token.includes(HIT_START));
  let count = hits.slice(0, SNIPPET_WORDS).filter(Boolean).length;
  let [best, bestCount] = [0, count];
  for (let start = 1; start + SNIPPET_WORDS <= words.length; start += 1) {
    count += Number(hits[start + SNIPPET_WORDS - 1]) - Number(hits[start - 1]);
    if (count > bestCount) [best, bestCount] = [start, count];
  }
  if (bestCount > 0) {
    const inWindow = hits.slice(best, best + SNIPPET_WORDS);
    const first = best + inWindow.indexOf(true);
    const last = best + inWindow.lastIndexOf(true);
    best = Math.max(
      0,
      Math.min(words.length - SNIPPET_WORDS, first - Math.floor((SNIPPET_WORDS - (last - first + 1)) / 2)),
    );
  }
  const text = tokens.slice(words[best].index, words[best + SNIPPET_WORDS - 1].index + 1).join("");
  return `${best > 0 ? "…" : ""}${text}${best + SNIPPET_WORDS < words.length ? "…" : ""}`;
}

// A seeded generator, so a failure can be replayed.
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const WORDS = ["router", "Wi-Fi", "café", "Ångström", "東京", "😀", "x", "42", "/etc/hosts", "Straße"];
// Words NFKC changes (a decomposed accent, a ligature): a text holding one is left to ts_headline.
const CHANGED_BY_NFKC = ["e\u0301t\u00e9", "ﬁle"];
const SPACES = [" ", "  ", "\n", "\t", "\u2028", "\ufeff", "\u200b", "\u1680"];
// Spaces NFKC makes plain spaces.
const SPACES_CHANGED_BY_NFKC = ["\u00a0", "\u3000", "\u2003"];
const ALL_SPACES = [...SPACES, ...SPACES_CHANGED_BY_NFKC];
const longWord = (letter: string, bytesEach: number) => letter.repeat(Math.ceil(2047 / bytesEach) + 1);

function text(next: () => number, words: number) {
  let result = next() < 0.2 ? SPACES[Math.floor(next() * SPACES.length)] : "";
  for (let i = 0; i < words; i += 1) {
    const roll = next();
    const word =
      roll < 0.02
        ? longWord("é", 2)
        : roll < 0.03
          ? longWord("東", 3)
          : roll < 0.035
            ? CHANGED_BY_NFKC[Math.floor(next() * CHANGED_BY_NFKC.length)]
            : WORDS[Math.floor(next() * WORDS.length)];
    const spaces = next() < 0.01 ? SPACES_CHANGED_BY_NFKC : SPACES;
    result += word + spaces[Math.floor(next() * spaces.length)];
  }
  return result;
}

describe("snippets on PostgreSQL", () => {
  it("marks the same words as splitting the whole text would, for ASCII, accents, CJK, emoji and overlong words", () => {
    const next = random(7);
    let marked = 0;
    for (let round = 0; round < 3000; round += 1) {
      const body = text(next, Math.floor(next() * 120));
      // The words the tsvector numbers (overlong ones get no position).
      const wordsThere = [...body.matchAll(WORD)]
        .map(([word]) => word)
        .filter((word) => Buffer.byteLength(word) < 2047);
      const after = next() < 0.3 ? Math.floor(next() * 5) : 0;
      const hits: Hit[] = Array.from({ length: Math.floor(next() * 6) }, () => {
        const position = after + 1 + Math.floor(next() * (wordsThere.length + 3));
        // Mostly lined up with the word there (a lexeme starts as its word does), sometimes not.
        const word = wordsThere[position - after - 1] ?? "z";
        return { position, lexeme: next() < 0.95 ? firstLetter(word[0]) : "q" };
      });
      if (next() < 0.02) hits.push({ position: 16383, lexeme: "r" });
      const expected = markAtBySplitting(body, hits, after, Infinity);
      expect(markAt(body, hits, after, Infinity)).toBe(expected);
      if (expected !== null && expected !== body) marked += 1;
    }
    // The cases compared included many where words were marked, not only refusals.
    expect(marked).toBeGreaterThan(500);
  });

  it("cuts the same window of words as splitting the whole text would, with every kind of whitespace", () => {
    const next = random(11);
    for (let round = 0; round < 3000; round += 1) {
      const words = Math.floor(next() * 200);
      let marked = "";
      for (let i = 0; i < words; i += 1) {
        const word = WORDS[Math.floor(next() * WORDS.length)];
        const hit = next() < 0.05 ? `${HIT_START}${word}${HIT_END}` : word;
        marked += (next() < 0.1 ? `(${hit})` : hit) + ALL_SPACES[Math.floor(next() * ALL_SPACES.length)];
      }
      expect(plainAround(marked)).toBe(plainAroundBySplitting(marked));
    }
  });

  it("reads a long body with one hit near its end", () => {
    const body = `${"word ".repeat(16_000)}router ${"word ".repeat(100_000)}`;
    const marked = markAt(body, [{ position: 16_001, lexeme: "r" }], 0, Infinity);
    expect(marked).not.toBeNull();
    const snippet = plainAround(marked!);
    expect(snippet.startsWith("…")).toBe(true);
    expect(snippet.endsWith("…")).toBe(true);
    expect(snippet).toContain(`${HIT_START}router${HIT_END}`);
    expect(snippet.slice(1, -1).split(/\s+/)).toHaveLength(SNIPPET_WORDS);
  });
});
