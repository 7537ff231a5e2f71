// npm run db:copy, end to end: a seeded SQLite file, real PostgreSQL databases on the test server, the
// script as its own process, and the app started on the copy. Every step runs in processes of its
// own, so the engine of the suite's run does not matter: it runs once, in the SQLite run, whenever a
// PostgreSQL server is at hand (PG_TEST_URL, which `npm test` sets), on databases of its own there.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, httpClient } from "../../fixtures/http-client";
import { startServerProcess } from "../../fixtures/server-process";
import { onTestServer, TEMPLATE_DB, testDatabaseUrl, testEngine } from "../../fixtures/test-databases";

const run = promisify(execFile);
const folder = fs.mkdtempSync(path.join(path.dirname(TEMPLATE_DB), "copy-"));
const seeded = path.join(folder, "community.sqlite");
const databases: string[] = [];

type Outcome = { code: number; stdout: string; stderr: string };

/** Runs a script of app/cli as its own process, as `npm run` would (no DATABASE_URL of the test's own). */
async function script(name: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return run("node_modules/.bin/tsx", [`app/cli/${name}.ts`, ...args], {
    env: { ...inherited, ...env },
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

const copy = (...args: string[]) => script("copy", args);

/** Copies and checks that the copy committed (its search index is the first test's concern). */
async function copyInto(target: string, source = seeded) {
  const result = await copy("--from", source, "--to", target);
  expect(result.stdout).toMatch(/Copied and verified [\d,]+ rows in \d+ tables/);
}

/** A new, empty database on the test server. */
async function freshDatabase() {
  const name = `hearth_copy_${randomUUID().replaceAll("-", "")}`;
  await onTestServer((admin) => admin.query(`CREATE DATABASE ${name}`));
  databases.push(name);
  return testDatabaseUrl(name);
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of the seeded community, changed by `change` (the seeded file itself stays as it is). */
function sourceWith(change: (sqlite: Database.Database) => void) {
  const file = path.join(folder, `source-${randomUUID()}.sqlite`);
  fs.copyFileSync(seeded, file);
  const sqlite = new Database(file);
  change(sqlite);
  sqlite.close();
  return file;
}

afterAll(async () => {
  await onTestServer(async (admin) => {
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  fs.rmSync(folder, { recursive: true, force: true });
});

const withPostgres = testEngine() === "sqlite" && Boolean(process.env.PG_TEST_URL);

describe.skipIf(!withPostgres)("npm run db:copy", () => {
  beforeAll(async () => {
    // The demo community and a small synthetic one, written by the app's own seed on SQLite.
    const seed = await script("seed", ["--threads", "20", "--corpus", "demo"], { DATABASE_PATH: seeded });
    expect(seed).toMatchObject({ code: 0 });
    const sqlite = new Database(seeded);
    // A thread marked a duplicate of a newer one: its row comes before the row it points at.
    sqlite.prepare("UPDATE threads SET duplicate_of_id = (SELECT max(id) FROM threads) WHERE id = 1").run();
    sqlite.pragma("journal_mode = DELETE"); // one file, so copies of it are whole
    sqlite.close();
  }, 120_000);

  it(
    "copies a seeded community that the app then serves: its threads, and sign-in with a copied password",
    { timeout: 120_000 },
    async () => {
      const target = await freshDatabase();
      const result = await copy("--from", seeded, "--to", target);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Copied and verified [\d,]+ rows in \d+ tables/);
      expect(result.stdout).toContain("Built the search index");

      const sqlite = new Database(seeded, { readonly: true });
      const newest = sqlite.prepare("SELECT id, title, slug FROM threads ORDER BY id DESC LIMIT 1").get() as {
        id: number;
        title: string;
        slug: string;
      };
      const counts = sqlite
        .prepare("SELECT (SELECT count(*) FROM posts) AS posts, (SELECT max(id) FROM posts) AS newest")
        .get() as {
        posts: number;
        newest: number;
      };
      sqlite.close();
      const [copied] = await query<{ posts: number; duplicate: number; next: string }>(
        target,
        `SELECT (SELECT count(*)::int FROM posts) AS posts, (SELECT duplicate_of_id FROM threads WHERE id = 1) AS duplicate,
                nextval(pg_get_serial_sequence('posts', 'id'))::text AS next`,
      );
      expect(copied).toEqual({ posts: counts.posts, duplicate: newest.id, next: String(counts.newest + 1) });
      // The planner knows the tables, the search index's too (filled after the copy): without it, a
      // common word's matches were all ranked.
      const [statistics] = await query<{ posts: number; search: number }>(
        target,
        `SELECT (SELECT count(*)::int FROM pg_stats WHERE tablename = 'posts') AS posts,
                (SELECT count(*)::int FROM pg_stats WHERE tablename = 'search_threads' AND attname = 'tsv') AS search`,
      );
      expect(statistics.posts).toBeGreaterThan(0);
      expect(statistics.search).toBe(1);

      // The foreign keys and indexes set aside for the load are back as the migrations made them.
      const schemaObjects = `SELECT indexdef AS text FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace ORDER BY 1`;
      const migrated = await freshDatabase();
      expect(await script("migrate", [], { DATABASE_URL: migrated })).toMatchObject({ code: 0 });
      expect(await query(target, schemaObjects)).toEqual(await query(migrated, schemaObjects));

      const server = await startServerProcess({
        DATABASE_URL: target,
        JOBS: "off",
        MAIL_DIR: path.join(folder, "mail"),
      });
      try {
        const client = httpClient(server.baseUrl);
        const page = await client.get(`/questions/${newest.id}/${newest.slug}`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain(newest.title.replaceAll("&", "&amp;").replaceAll("'", "&#x27;"));
        expect(await (await client.get("/questions")).text()).toContain(`/questions/${newest.id}/`);
        // The copy built the search index: the title's words find the thread.
        const words = newest.title
          .split(/\W+/)
          .filter((word) => word.length > 3)
          .slice(0, 3)
          .join(" ");
        expect(await (await client.get(`/search?q=${encodeURIComponent(words)}`)).text()).toContain(
          `/questions/${newest.id}/`,
        );
        const { response, cookie } = await client.signIn("admin@example.com", DEMO_PASSWORD);
        expect(response.status).toBe(302);
        expect(cookie).not.toBeNull();
        expect((await client.get("/mod/log", { cookie: cookie! })).status).toBe(200);
      } finally {
        // Stopped here, before the file's clean-up drops its database.
        const exited = new Promise((resolve) => server.child.once("exit", resolve));
        server.child.kill("SIGTERM");
        await exited;
      }
    },
  );

  it("refuses a target that already holds a community, and changes nothing in it", { timeout: 60_000 }, async () => {
    const target = await freshDatabase();
    await copyInto(target);
    await query(target, "UPDATE threads SET title = 'Kept as it was' WHERE id = 2");

    const again = await copy("--from", seeded, "--to", target);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /already holds a community \(.*posts: [\d,]+ rows.*\): nothing was copied\. Run with --force/,
    );
    expect(await query(target, "SELECT title FROM threads WHERE id = 2")).toEqual([{ title: "Kept as it was" }]);
  });

  it("with --force empties such a target, audit log included, then copies", { timeout: 60_000 }, async () => {
    const target = await freshDatabase();
    const other = sourceWith((sqlite) => {
      sqlite.prepare("UPDATE threads SET title = 'From the other community' WHERE id = 2").run();
    });
    await copyInto(target, other);

    const forced = await copy("--from", seeded, "--to", target, "--force");
    expect(forced.stdout).toContain("Emptied");
    expect(forced.stdout).toMatch(/Copied and verified/);
    expect(await query(target, "SELECT title FROM threads WHERE id = 2")).not.toEqual([
      { title: "From the other community" },
    ]);
    // The audit log's guard is on again: its rows still cannot be removed.
    await expect(query(target, "DELETE FROM audit_log")).rejects.toThrow("audit_log rows cannot be deleted");
    await expect(query(target, "TRUNCATE audit_log")).rejects.toThrow("audit_log rows cannot be deleted");
  });

  it("--verify names the table whose rows differ from the source", { timeout: 60_000 }, async () => {
    const target = await freshDatabase();
    await copyInto(target);
    expect(await copy("--from", seeded, "--to", target, "--verify")).toMatchObject({ code: 0 });

    await query(target, "UPDATE posts SET body_markdown = body_markdown || ' ' WHERE id = (SELECT min(id) FROM posts)");
    await query(target, "DELETE FROM votes WHERE ctid = (SELECT min(ctid) FROM votes)");
    const verified = await copy("--from", seeded, "--to", target, "--verify");
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/^ {2}posts: the checksums differ/m);
    expect(verified.stderr).toMatch(/^ {2}votes: [\d,]+ rows in the source, [\d,]+ in the target/m);
    expect(verified.stderr).not.toMatch(/^ {2}(threads|users):/m);
  });

  it("names each value PostgreSQL would refuse and copies nothing", { timeout: 60_000 }, async () => {
    const target = await freshDatabase();
    const broken = sourceWith((sqlite) => {
      sqlite.prepare("UPDATE posts SET body_markdown = 'a' || char(0) || 'b' WHERE id = 3").run();
      sqlite.prepare("UPDATE posts SET body_html = CAST(x'41ff42' AS TEXT) WHERE id = 4").run();
      sqlite.prepare("UPDATE threads SET view_count = 3000000000 WHERE id = 5").run();
      sqlite.prepare("UPDATE users SET watch_on_participate = 2 WHERE id = 2").run();
    });
    const result = await copy("--from", broken, "--to", target);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("nothing was copied");
    expect(result.stderr).toContain("posts id=3 body_markdown: a NUL byte");
    expect(result.stderr).toContain("posts id=4 body_html: bytes that are not valid UTF-8");
    expect(result.stderr).toContain("threads id=5 view_count: 3000000000 does not fit PostgreSQL's integer");
    expect(result.stderr).toContain("users id=2 watch_on_participate: number 2 in a boolean column");
    expect(await query(target, "SELECT count(*)::int AS n FROM users")).toEqual([{ n: 0 }]);
  });

  it("refuses input it cannot take with one line and exit code 2", { timeout: 120_000 }, async () => {
    const target = testDatabaseUrl("postgres");
    const cases: [string[], string][] = [
      [["--from", seeded], "--from and --to are both needed"],
      [["--from", path.join(folder, "missing.sqlite"), "--to", target], "there is no file at"],
      [["--from", seeded, "--to", path.join(folder, "other.sqlite")], "--to must be a PostgreSQL URL"],
      [["--from", target, "--to", target], "are the same"],
      [["--from", testDatabaseUrl("a"), "--to", target], "--from must be a SQLite file"],
      [["--from", seeded, "--to", "postgres://localhost"], "with a database name"],
      [["--from", __filename, "--to", target], "is not a SQLite database"],
      [["--from", seeded, "--to", target, "--force", "--verify"], "do not go together"],
      [["--form", seeded], "Unknown option '--form'"],
    ];
    for (const [args, message] of cases) {
      const result = await copy(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr.split("\n")[0], args.join(" ")).toContain(message);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });
});
