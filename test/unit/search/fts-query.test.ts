import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { parseSearchQuery, toMatchExpression, toSimilarityExpression } from "~/models/search/fts-query.server";

// A real FTS5 table: every expression the parser produces must be valid FTS5 syntax.
const db = new Database(":memory:");
db.exec(`CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')`);
db.prepare("INSERT INTO docs (title, body) VALUES (?, ?)").run(
  "Café Wi-Fi routers",
  "The hub drops offline near the router",
);
db.prepare("INSERT INTO docs (title, body) VALUES (?, ?)").run("Lights OR locks", "NEAR the door, AND the window");
const matches = (expression: string | null) =>
  expression === null ? [] : db.prepare("SELECT title FROM docs WHERE docs MATCH ?").all(expression);

const HOSTILE = [
  '"',
  '""',
  '"unbalanced',
  "(",
  ")))",
  "((hub",
  "*",
  "hub*",
  "-",
  "--",
  "-hub",
  "NEAR",
  "NEAR(hub router, 2)",
  "OR",
  "AND",
  "NOT",
  "hub OR",
  "OR hub",
  "hub AND NOT",
  "title:hub",
  "{title body}: hub",
  "^hub",
  "hub + router",
  "a'b",
  "'; DROP TABLE docs; --",
  "\u0000",
  "\u202e",
  "😀",
  "你好 世界",
  "ŝŭŝ",
  "x".repeat(1000),
  " ".repeat(50),
  "\\",
  "%_",
  'col:"x"',
];

describe("search query parsing", () => {
  it.each(HOSTILE)("turns %j into valid FTS5 or into nothing", (input) => {
    const expression = toMatchExpression(parseSearchQuery(input), { prefixLast: true });
    expect(() => matches(expression)).not.toThrow();
    const similar = toSimilarityExpression(input);
    expect(() => matches(similar)).not.toThrow();
  });

  it("treats FTS5 keywords as plain words", () => {
    expect(matches(toMatchExpression(parseSearchQuery("lights OR locks")))).toEqual([{ title: "Lights OR locks" }]);
    expect(matches(toMatchExpression(parseSearchQuery("near AND")))).toEqual([{ title: "Lights OR locks" }]);
  });

  it("keeps quoted phrases together and leaves out -words", () => {
    expect(parseSearchQuery('"drops offline" -router hub')).toEqual({
      required: ["drops offline", "hub"],
      excluded: ["router"],
    });
    expect(matches(toMatchExpression(parseSearchQuery('"drops offline"')))).toHaveLength(1);
    expect(matches(toMatchExpression(parseSearchQuery('"offline drops"')))).toHaveLength(0);
    expect(matches(toMatchExpression(parseSearchQuery("hub -router")))).toHaveLength(0);
  });

  it("matches without diacritics and across word forms", () => {
    expect(matches(toMatchExpression(parseSearchQuery("cafe router")))).toHaveLength(1);
    expect(matches(toMatchExpression(parseSearchQuery("dropping")))).toHaveLength(1);
  });

  it("has nothing to search for when only excluded words or punctuation were typed", () => {
    expect(toMatchExpression(parseSearchQuery("-router"))).toBeNull();
    expect(toMatchExpression(parseSearchQuery("*** ((( ---"))).toBeNull();
    expect(toSimilarityExpression("how do I the")).toBeNull();
  });

  it("matches the last word as a prefix only when asked to", () => {
    expect(matches(toMatchExpression(parseSearchQuery("rout"), { prefixLast: true }))).toHaveLength(1);
    expect(matches(toMatchExpression(parseSearchQuery("rout")))).toHaveLength(0);
  });

  it("ORs the meaningful words of a sentence for similar questions", () => {
    expect(toSimilarityExpression("Why does my hub drop offline?")).toBe('"hub" OR "drop" OR "offline"');
  });

  it("searches a hyphenated word as its phrase or written as one, wherever it is typed", () => {
    expect(parseSearchQuery("Wi-Fi router -e-mail")).toEqual({
      required: ["router"],
      excluded: ["e mail", "email"],
      anyOf: [["wi fi", "wifi"]],
    });
    expect(matches(toMatchExpression(parseSearchQuery("wi-fi")))).toEqual([{ title: "Café Wi-Fi routers" }]);
    expect(matches(toMatchExpression(parseSearchQuery("fi-wi")))).toEqual([]);
    expect(toSimilarityExpression("Is the Wi-Fi down?")).toBe('"wi fi" OR "wifi" OR "down"');
  });
});
