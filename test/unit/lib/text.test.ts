import { describe, expect, it } from "vitest";
import { cutToLength } from "~/lib/text";
import { normalizedQuery } from "~/models/search/failed-searches.server";

const isWellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe("cutToLength", () => {
  it("never keeps half of a character that takes two code units", () => {
    const text = `${"a".repeat(99)}😀 and more`;
    expect(cutToLength(text, 100)).toBe("a".repeat(99));
    expect(cutToLength(text, 101)).toBe(`${"a".repeat(99)}😀`);
    for (let max = 1; max <= 40; max++) {
      const cut = cutToLength("𠀀".repeat(20), max);
      expect(isWellFormed(cut), String(max)).toBe(true);
      expect(cut.length).toBe(max - (max % 2));
    }
  });

  it("leaves text within the length as it is", () => {
    expect(cutToLength("short", 100)).toBe("short");
    expect(cutToLength("", 0)).toBe("");
  });
});

describe("a failed search's stored words", () => {
  it("are well-formed however a word's length limit falls (an 'a' and 20 letters of four bytes each, as one word)", () => {
    const stored = normalizedQuery(`a${"𠀀".repeat(20)}`);
    expect(isWellFormed(stored)).toBe(true);
    expect(stored).toBe(`a${"𠀀".repeat(19)}`);
  });
});
