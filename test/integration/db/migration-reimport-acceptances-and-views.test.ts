// The migration that keeps the source's view count and the asker's acceptance apart (DECISIONS.md #90),
// on a database of the engine of the run made before it: an imported thread's whole view count is
// taken as the source's, and an acceptance counts as decided in Hearth when its thread was never
// imported or when it was marked after the thread was imported.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onTestServer, testDatabaseUrl, testEngine } from "../../fixtures/test-databases";

const ENGINE = testEngine();
const MIGRATIONS = path.resolve(ENGINE === "postgres" ? "db/migrations-pg" : "db/migrations");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-reimport-migration-"));
const pgDatabase = `hearth_reimport_migration_${process.pid}`;

/** The migrations folder as it was before this migration: its SQL files and a journal without it. */
function migrationsBefore() {
  const folder = path.join(tmp, "migrations");
  fs.mkdirSync(path.join(folder, "meta"), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, "meta/_journal.json"), "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  const ours = journal.entries.find((entry) => entry.tag.endsWith("_reimport_acceptances_and_views"))!;
  journal.entries = journal.entries.filter((entry) => entry.idx < ours.idx);
  for (const { tag } of journal.entries)
    fs.copyFileSync(path.join(MIGRATIONS, `${tag}.sql`), path.join(folder, `${tag}.sql`));
  fs.writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify(journal));
  return folder;
}

const IMPORTED = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const SITE = "bicycles.meta.stackexchange.com";

// Threads: 1 and 2 imported with the source's acceptance, 2 then accepted anew in Hearth after the
// import; 3 Hearth's own, accepted; 4 imported, never accepted; 5 imported, staff-verified in Hearth;
// 6 imported, then accepted at the source after that and brought in by a re-import (its question
// rewritten by the re-import, the acceptance dated from the dump's vote, between the two runs).
const ROWS = `
INSERT INTO users (id, email, username, password_hash, role, created_at) VALUES
  (1, 'asker@example.test', 'asker', 'x', 'member', ${IMPORTED}),
  (2, 'answerer@example.test', 'answerer', 'x', 'member', ${IMPORTED});
INSERT INTO categories (id, slug, name) VALUES (1, 'bicycles', 'Bicycles');
INSERT INTO threads (id, title, slug, author_id, category_id, created_at, last_activity_at, view_count, source_site, source_id) VALUES
  (1, 'Imported, the source''s acceptance', 'one', 1, 1, ${IMPORTED - 400 * DAY}, ${IMPORTED}, 1200, '${SITE}', 10),
  (2, 'Imported, accepted again in Hearth', 'two', 1, 1, ${IMPORTED - 400 * DAY}, ${IMPORTED}, 50, '${SITE}', 20),
  (3, 'Hearth''s own', 'three', 1, 1, ${IMPORTED - 10 * DAY}, ${IMPORTED}, 7, NULL, NULL),
  (4, 'Imported, never accepted', 'four', 1, 1, ${IMPORTED - 400 * DAY}, ${IMPORTED}, 3, '${SITE}', 40),
  (5, 'Imported, verified in Hearth', 'five', 1, 1, ${IMPORTED - 400 * DAY}, ${IMPORTED}, 9, '${SITE}', 50),
  (6, 'Imported, accepted at the source later', 'six', 1, 1, ${IMPORTED - 400 * DAY}, ${IMPORTED}, 4, '${SITE}', 60);
INSERT INTO posts (id, thread_id, author_id, kind, body_markdown, body_html, created_at) VALUES
  (11, 1, 1, 'question', 'q', '<p>q</p>', ${IMPORTED - 400 * DAY}),
  (12, 1, 2, 'answer', 'a', '<p>a</p>', ${IMPORTED - 399 * DAY}),
  (21, 2, 1, 'question', 'q', '<p>q</p>', ${IMPORTED - 400 * DAY}),
  (22, 2, 2, 'answer', 'a', '<p>a</p>', ${IMPORTED - 399 * DAY}),
  (31, 3, 1, 'question', 'q', '<p>q</p>', ${IMPORTED - 10 * DAY}),
  (32, 3, 2, 'answer', 'a', '<p>a</p>', ${IMPORTED - 9 * DAY}),
  (41, 4, 1, 'question', 'q', '<p>q</p>', ${IMPORTED - 400 * DAY}),
  (51, 5, 1, 'question', 'q', '<p>q</p>', ${IMPORTED - 400 * DAY}),
  (52, 5, 2, 'answer', 'a', '<p>a</p>', ${IMPORTED - 399 * DAY}),
  (61, 6, 1, 'question', 'q', '<p>q</p>', ${IMPORTED - 400 * DAY}),
  (62, 6, 2, 'answer', 'a', '<p>a</p>', ${IMPORTED - 399 * DAY});
INSERT INTO solutions (thread_id, kind, post_id, marked_by_id, marked_at) VALUES
  (1, 'accepted', 12, 1, ${IMPORTED - 398 * DAY}),
  (2, 'accepted', 22, 1, ${IMPORTED + 2 * DAY}),
  (3, 'accepted', 32, 1, ${IMPORTED - 8 * DAY}),
  (5, 'verified', 52, 2, ${IMPORTED + 3 * DAY}),
  (6, 'accepted', 62, 1, ${IMPORTED + 3 * DAY});
INSERT INTO import_records (site, kind, source_id, target_id, content_hash, imported_at, updated_at) VALUES
  ('${SITE}', 'thread', 10, 1, '', ${IMPORTED}, ${IMPORTED}),
  ('${SITE}', 'thread', 20, 2, '', ${IMPORTED}, ${IMPORTED + DAY}),
  ('${SITE}', 'thread', 40, 4, '', ${IMPORTED}, ${IMPORTED}),
  ('${SITE}', 'thread', 50, 5, '', ${IMPORTED}, ${IMPORTED}),
  ('${SITE}', 'thread', 60, 6, '', ${IMPORTED}, ${IMPORTED}),
  ('${SITE}', 'post', 10, 11, 'h', ${IMPORTED}, ${IMPORTED}),
  ('${SITE}', 'post', 20, 21, 'h', ${IMPORTED}, ${IMPORTED + DAY}),
  ('${SITE}', 'post', 40, 41, 'h', ${IMPORTED}, ${IMPORTED}),
  ('${SITE}', 'post', 50, 51, 'h', ${IMPORTED}, ${IMPORTED}),
  ('${SITE}', 'post', 60, 61, 'h', ${IMPORTED}, ${IMPORTED + 5 * DAY});
`;

type ThreadAfter = { id: number; views: number; importedViews: number; decidedAt: number | null };
const AFTER = `SELECT id, view_count AS views, imported_view_count AS "importedViews",
  acceptance_decided_at AS "decidedAt" FROM threads ORDER BY id`;
let after: ThreadAfter[];

beforeAll(async () => {
  if (ENGINE === "postgres") {
    await onTestServer((admin) => admin.query(`CREATE DATABASE ${pgDatabase}`));
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(pgDatabase), max: 1 });
    try {
      await migratePg(drizzlePg(pool), { migrationsFolder: migrationsBefore() });
      await pool.query(ROWS);
      await migratePg(drizzlePg(pool), { migrationsFolder: MIGRATIONS });
      after = (await pool.query(AFTER)).rows.map((row) => ({
        ...row,
        decidedAt: row.decidedAt === null ? null : Number(row.decidedAt),
      }));
    } finally {
      await pool.end();
    }
    return;
  }
  const sqlite = new Database(path.join(tmp, "hearth.sqlite"));
  try {
    migrate(drizzle(sqlite), { migrationsFolder: migrationsBefore() });
    sqlite.exec(ROWS);
    migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
    after = sqlite.prepare(AFTER).all() as ThreadAfter[];
  } finally {
    sqlite.close();
  }
});

afterAll(async () => {
  if (ENGINE === "postgres")
    await onTestServer((admin) => admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const thread = (id: number) => after.find((row) => row.id === id)!;

describe("the migration keeping the source's views and the asker's acceptance apart", () => {
  it("takes an imported thread's whole view count as the source's, and a Hearth thread's as Hearth's", () => {
    expect([1, 2, 3, 4, 5, 6].map((id) => [thread(id).views, thread(id).importedViews])).toEqual([
      [1200, 1200],
      [50, 50],
      [7, 0],
      [3, 3],
      [9, 9],
      [4, 4],
    ]);
  });

  it("marks as decided in Hearth an acceptance marked after the last run that wrote its question, and every acceptance of Hearth's own threads", () => {
    expect(thread(2).decidedAt).toBe(IMPORTED + 2 * DAY);
    expect(thread(3).decidedAt).toBe(IMPORTED - 8 * DAY);
  });

  it("leaves the source's acceptance (a re-import's too), a thread never accepted and a staff verification unmarked", () => {
    expect([thread(1).decidedAt, thread(4).decidedAt, thread(5).decidedAt, thread(6).decidedAt]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});
