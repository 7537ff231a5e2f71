import { describe, expect, it } from "vitest";
import { mentionQueryAt, mentionsInText } from "~/lib/mentions";

describe("mentionsInText", () => {
  it("finds whole names after a lone @, lower-cased, with where they are", () => {
    expect(mentionsInText("Hi @Ada-L, (@bob_1) and @cyd.")).toEqual([
      { index: 3, length: 6, name: "ada-l" },
      { index: 12, length: 6, name: "bob_1" },
      { index: 24, length: 4, name: "cyd" },
    ]);
  });

  it.each([
    ["an e-mail address", "me@example.com"],
    ["a word before the @", "x@ada"],
    ["the character before the run", "@ada", "x"],
    ["a name too short", "@ab"],
    ["a name too long", `@${"a".repeat(31)}`],
    ["a name that starts with '-'", "@-ada"],
    ["a letter of another script after it", "@adaé"],
    ["a combining mark after it", "@ada\u0301"],
    ["a zero-width joiner inside it", "@ad\u200Da"],
    ["a zero-width space before it", "\u200B@ada"],
    ["a fullwidth ＠", "＠ada"],
    ["a second @ after it", "@ada@example"],
    ["a path", "example.com/@ada"],
  ])("finds nothing in %s", (_, text, before = "") => {
    expect(mentionsInText(text, before)).toEqual([]);
  });

  it("finds a name of exactly 30 characters", () => {
    expect(mentionsInText(`@${"a".repeat(30)}!`)).toHaveLength(1);
  });

  it("stays linear on a wall of @ and names", () => {
    expect(mentionsInText("@".repeat(100_000))).toEqual([]);
    expect(mentionsInText("@abc".repeat(25_000))).toEqual([]);
    expect(mentionsInText("@abc ".repeat(20_000))).toHaveLength(20_000);
  });
});

describe("mentionQueryAt", () => {
  it("gives the @prefix ending at the caret, and where its @ is", () => {
    expect(mentionQueryAt("Ask @cas", 8)).toEqual({ start: 4, query: "cas" });
    expect(mentionQueryAt("@a", 2)).toEqual({ start: 0, query: "a" });
    expect(mentionQueryAt("(@Sam-s) later", 7)).toEqual({ start: 1, query: "Sam-s" });
  });

  it.each([
    ["a lone @", "Ask @", 5],
    ["the caret past a space", "Ask @cas ", 9],
    ["an e-mail address", "me@exa", 6],
    ["a name too long", `@${"a".repeat(31)}`, 32],
    ["a caret before the @", "Ask @cas", 3],
  ])("gives nothing for %s", (_, text, caret) => {
    expect(mentionQueryAt(text, caret)).toBeNull();
  });
});
