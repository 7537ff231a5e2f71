import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { toMatchExpression } from "~/models/search/fts-query.server";
import { toTsQuery } from "~/models/search/tsquery.server";
import { allowedDistance, closestWords, deletions, editDistance } from "~/models/search/typos";

describe("allowedDistance", () => {
  it.each([
    ["hb", 0],
    ["hub", 1],
    ["routr", 1],
    ["ofline", 2],
    ["2024", 0],
    ["h100", 1],
    ["x".repeat(25), 0],
  ])("lets %s be %i edits from its correction", (word, distance) => {
    expect(allowedDistance(word)).toBe(distance);
  });
});

describe("editDistance", () => {
  it.each([
    ["offline", "offline", 0],
    ["ofline", "offline", 1],
    ["routr", "router", 1],
    ["roiter", "router", 1],
    ["rotuer", "router", 1], // a swapped pair is one edit
    ["dorbel", "doorbell", 2],
    ["café", "cafe", 1], // letters, not bytes
    ["", "abc", 3],
  ])("counts %s → %s as %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("deletions", () => {
  it("lists a word and every deletion up to the depth, once each", () => {
    expect([...deletions("offline", 1)].sort()).toEqual(
      ["offine", "offlie", "offlin", "offline", "offlne", "ofline", "ffline"].sort(),
    );
    expect(deletions("abc", 2)).toEqual(new Set(["abc", "bc", "ac", "ab", "c", "b", "a"]));
  });
});

describe("closestWords", () => {
  it("keeps candidates within the distance, closest first, then most frequent", () => {
    const candidates = [
      { word: "offline", documents: 40 },
      { word: "online", documents: 90 },
      { word: "line", documents: 500 },
      { word: "ofline", documents: 3 },
      { word: "airline", documents: 900 },
    ];
    expect(closestWords("ofline", candidates, 3).map((c) => c.word)).toEqual(["online", "offline", "line"]);
    expect(closestWords("routr", [{ word: "rooter", documents: 1 }], 3)).toEqual([]);
  });
});

describe("alternatives in a query", () => {
  const db = new Database(":memory:");
  db.exec(`CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')`);
  for (const body of ["the hub is offline", "the hub is online", "router offline", "the hub reboots"])
    db.prepare("INSERT INTO docs (body) VALUES (?)").run(body);

  it("requires one term of each group, beside the required words, in FTS5 and tsquery syntax", () => {
    const query = { required: ["hub"], excluded: ["reboots"], anyOf: [["ofline", "offline", "wi fi"]] };
    const expression = toMatchExpression(query)!;
    expect(expression).toBe('("hub" AND ("ofline" OR "offline" OR "wi fi")) NOT ("reboots")');
    expect(db.prepare("SELECT body FROM docs WHERE docs MATCH ?").all(expression)).toEqual([
      { body: "the hub is offline" },
    ]);
    expect(toTsQuery(query)).toBe("'hub' & ('ofline' | 'offline' | 'wi fi') & !'reboots'");
    expect(toMatchExpression({ required: [], excluded: [], anyOf: [["a'b", "c"]] })).toBe('(("a\'b" OR "c"))');
    expect(toTsQuery({ required: [], excluded: [], anyOf: [["a'b", "c"]] })).toBe("('a''b' | 'c')");
  });
});
