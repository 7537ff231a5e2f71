// hearth_bm25 (db/sqlite/hearth_rank.c, DECISIONS.md #86): the same scores as FTS5's bm25, with
// each phrase's document count reused between statements only while the index is unchanged.
import { beforeAll, describe, expect, it } from "vitest";
import { hasRankExtension, sqliteConnection } from "~/lib/db.server";
import { databaseEngine } from "~/lib/env.server";
import type { Member } from "~/lib/permissions.server";
import { editPost } from "~/models/community/posts.server";
import { phraseKeys } from "~/models/search/engine-sqlite.server";
import { makeThread, makeUser } from "../../fixtures/factories";

const WEIGHTS = "10.0, 1.0, 1.0, 0.0";

/** Every match of `expression` with bm25's score and hearth_bm25's given `keys`, by id. */
function scores(expression: string, keys = phraseKeys(expression)) {
  const rows = sqliteConnection()
    .prepare(
      `SELECT rowid AS id, bm25(search_threads, ${WEIGHTS}) AS bm25,
              hearth_bm25(search_threads, 'search_threads', ?, ${WEIGHTS}) AS ours
       FROM search_threads WHERE search_threads MATCH ? ORDER BY rowid`,
    )
    .all(keys, expression) as { id: number; bm25: number; ours: number }[];
  return rows;
}

function expectSameScores(expression: string, keys?: string) {
  const rows = scores(expression, keys);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.ours).toBeCloseTo(row.bm25, 12);
  return rows;
}

describe.skipIf(databaseEngine() === "postgres")("hearth_bm25, search's ranking on SQLite", () => {
  let author: Member;
  let edited: { threadId: number; questionPostId: number };

  beforeAll(async () => {
    author = await makeUser("member");
    edited = await makeThread(author, { title: "Osprey feeder alarm", body: "The osprey feeder beeps at night." });
    await makeThread(author, { title: "Osprey camera", body: "An osprey camera and an ospreys nest, osprey again." });
    await makeThread(author, { title: "Feeder refill", body: "The feeder needs a refill every week." });
    await makeThread(author, { title: "Nothing in common", body: "A thread about kettles." });
  });

  it("is loaded wherever the suite runs (npm ci and npm run build make it)", () => {
    expect(hasRankExtension()).toBe(true);
  });

  it("scores every match as bm25 does, for words, phrases, prefixes, OR and NOT, counted and then reused", () => {
    for (const expression of [
      '("osprey")',
      '("osprey" AND "feeder")',
      '("osprey feeder")',
      '("ospr"*)',
      '"osprey" OR "kettles" OR "refill"',
      '("feeder") NOT ("osprey")',
    ]) {
      const counted = expectSameScores(expression);
      // The second statement takes the counts the first kept: still bm25's scores.
      expect(expectSameScores(expression)).toEqual(counted);
    }
  });

  it("keeps a prefix and the word apart: 'ospr*' and 'ospr' have their own counts", () => {
    expectSameScores('("ospr"*)');
    expect(scores('("ospr")')).toEqual([]);
    expectSameScores('("osprey"*)');
    expectSameScores('("osprey")');
  });

  it("counts again once the index changed: a new thread, an edit", async () => {
    const before = expectSameScores('("osprey")');
    await makeThread(author, { title: "Osprey ladder", body: "Osprey osprey." });
    const added = expectSameScores('("osprey")');
    expect(added).toHaveLength(before.length + 1);
    // Same number of threads, other words: the scores follow the edit.
    await editPost(author, edited.questionPostId, {
      title: "Osprey feeder alarm",
      body: "The feeder beeps at night, no bird in sight.",
    });
    expectSameScores('("osprey")');
    expectSameScores('("osprey" AND "feeder")');
  });

  it("takes the keys from the expression search builds, in FTS5's order of phrases", () => {
    expect(phraseKeys('("wifi" AND "ospr"*) NOT ("wi fi" OR "x") AND facets : ("§is§solved")')).toBe(
      "wifi\u001fospr*\u001fwi fi\u001fx\u001f§is§solved",
    );
  });

  it("counts each phrase itself when the keys do not match the query's phrases", () => {
    expectSameScores('("osprey" AND "feeder")', "osprey");
    expectSameScores('("osprey" AND "feeder")', "");
    // Keys of another query's shape, reused for this one, would give wrong counts: never kept for it.
    expectSameScores('("feeder" AND "osprey")', "osprey\u001ffeeder\u001fextra");
  });
});
