// What only the PostgreSQL engine has to get right (the shared contract is data-access.test.ts):
// the write lock across processes, transactions a caught error has aborted, number types, and the
// statements `preparedPerConnection` names. Runs when the suite runs on PostgreSQL.
import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { siteSecrets, threads } from "../../../db/schema";
import { firstRow, isDatabaseUnavailable, preparedPerConnection, rawRows, read, write } from "~/lib/db.server";
import { connectionSettings, READ_ONLY } from "~/lib/db/postgres.server";
import { databaseEngine } from "~/lib/env.server";
import { PgDialect } from "drizzle-orm/pg-core";
import { pgRead, postgresSearchOn } from "~/models/search/engine-postgres.server";
import { RANKED_MATCH_CAP } from "~/models/search/rules";
import { makeThread, makeUser } from "../../fixtures/factories";

const onPostgres = databaseEngine() === "postgres";

let other: pg.Client;
beforeAll(async () => {
  if (!onPostgres) return;
  other = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
});
afterAll(() => other?.end());

const insert = (name: string) => write((db) => db.insert(siteSecrets).values({ name, value: "v" }));
const isCommitted = async (name: string) =>
  (await other.query("SELECT 1 FROM site_secrets WHERE name = $1", [name])).rows.length > 0;

describe.skipIf(!onPostgres)("the PostgreSQL engine", () => {
  it("makes a write wait for another process's write, and gives up with an 'unavailable' error after the lock timeout", async () => {
    // Another app process in the middle of a write: it holds the same advisory lock every write takes.
    await other.query("BEGIN");
    await other.query("SELECT pg_advisory_xact_lock(1214603634)");
    const started = Date.now();
    const blocked = await insert("blocked-by-another-process").then(
      () => null,
      (error: unknown) => error,
    );
    const waitedMs = Date.now() - started;
    await other.query("ROLLBACK");
    expect(isDatabaseUnavailable(blocked)).toBe(true);
    expect(waitedMs).toBeGreaterThanOrEqual(4_500);
    expect(await isCommitted("blocked-by-another-process")).toBe(false);
    // Once the other write ends, writes go through again.
    await insert("after-the-other-process");
    expect(await isCommitted("after-the-other-process")).toBe(true);
  }, 20_000);

  it("sends a write's first statement behind its BEGIN, and runs it only once the lock is had, seeing the write before it", async () => {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as string | { text?: string };
      const text = typeof config === "string" ? config : (config.text ?? "");
      sent.push(text.split(/[;\s]/)[0].toUpperCase());
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      // Another process's write holds the lock, and has added a row it has not committed yet.
      await other.query("BEGIN");
      await other.query("SELECT pg_advisory_xact_lock(1214603634)");
      await other.query("INSERT INTO site_secrets (name, value) VALUES ('written-ahead', 'v')");
      let lockHad = false;
      const seen = write(async (db) => {
        const rows = await db.select().from(siteSecrets).where(eq(siteSecrets.name, "written-ahead"));
        return { rows: rows.length, lockHad };
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Both went out while the lock was still taken: the SELECT did not wait for the BEGIN's answer.
      expect(sent.slice(-2)).toEqual(["BEGIN", "SELECT"]);
      lockHad = true;
      await other.query("COMMIT");
      // It ran once the other write had committed, on a snapshot taken then.
      expect(await seen).toEqual({ rows: 1, lockHad: true });
    } finally {
      pg.Client.prototype.query = query;
      await other.query("ROLLBACK"); // only a warning once committed; frees the lock when a check failed
    }
  });

  it("fails a write whose work caught a database error, instead of committing nothing in silence", async () => {
    const attempt = write(async (db) => {
      await db.insert(siteSecrets).values({ name: "before-the-duplicate", value: "v" });
      try {
        await db.insert(siteSecrets).values({ name: "before-the-duplicate", value: "again" });
      } catch {
        // A unique violation caught here aborts the whole transaction on PostgreSQL.
      }
    });
    await expect(attempt).rejects.toThrow(/a statement in it failed and its error was caught/);
    expect(await isCommitted("before-the-duplicate")).toBe(false);
  });

  it("keeps the rest of a write when the step that failed ran in a nested write (a savepoint)", async () => {
    await write(async (db) => {
      await db.insert(siteSecrets).values({ name: "kept-around-a-savepoint", value: "v" });
      await write((nested) =>
        nested.insert(siteSecrets).values({ name: "kept-around-a-savepoint", value: "again" }),
      ).catch(() => "the duplicate was refused");
    });
    expect(await isCommitted("kept-around-a-savepoint")).toBe(true);
  });

  it("pipelines the reads a write starts at once on its connection, without node-postgres's deprecated queue", async () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on("warning", listener);
    try {
      const names = ["read-at-once-1", "read-at-once-2", "read-at-once-3"];
      const seen = await write(async (db) => {
        await db.insert(siteSecrets).values(names.map((name) => ({ name, value: "v" })));
        return Promise.all(
          names.map(async (name) => (await db.select().from(siteSecrets).where(eq(siteSecrets.name, name))).length),
        );
      });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(seen).toEqual([1, 1, 1]);
      expect(warnings.filter((message) => message.includes("already executing a query"))).toEqual([]);
    } finally {
      process.off("warning", listener);
    }
  });

  it("keeps its own connection settings beside the operator's (`options` in the URL, else PGOPTIONS), and the read pool read-only whatever they say", async () => {
    const settingsOf = async (config: pg.PoolConfig) => {
      const client = new pg.Client(config);
      await client.connect();
      try {
        const { rows } = await client.query(
          "SELECT current_setting('random_page_cost') AS random, current_setting('work_mem') AS work, current_setting('default_transaction_read_only') AS readonly",
        );
        return rows[0];
      } finally {
        await client.end();
      }
    };
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set("options", "-c work_mem=5MB -c default_transaction_read_only=off");
    // Before, the URL's options replaced ours whole: random_page_cost 4 and a writable read pool.
    expect(await settingsOf(connectionSettings(url.toString(), READ_ONLY))).toEqual({
      random: "1.1",
      work: "5MB",
      readonly: "on",
    });
    expect(await settingsOf(connectionSettings(url.toString()))).toEqual({
      random: "1.1",
      work: "5MB",
      readonly: "off",
    });
    const before = process.env.PGOPTIONS;
    process.env.PGOPTIONS = "-c work_mem=6MB";
    try {
      expect(await settingsOf(connectionSettings(process.env.DATABASE_URL!, READ_ONLY))).toEqual({
        random: "1.1",
        work: "6MB",
        readonly: "on",
      });
    } finally {
      if (before === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = before;
    }
  });

  it("gives counts, sums and epoch milliseconds as numbers, as SQLite does", async () => {
    const thread = await makeThread(await makeUser("member"));
    const row = firstRow(
      await read((db) =>
        db
          .select({
            count: sql<number>`count(*)`,
            sum: sql<number>`sum(${threads.id})`,
            ratio: sql<number>`4.0 * ${threads.id} / 3`,
            createdAt: threads.createdAt,
          })
          .from(threads)
          .where(eq(threads.id, thread.threadId))
          .groupBy(threads.id, threads.createdAt),
      ),
    )!;
    expect(row).toEqual({
      count: 1,
      sum: thread.threadId,
      ratio: expect.closeTo((4 * thread.threadId) / 3, 10),
      createdAt: expect.any(Date),
    });
  });

  it("names the statements preparedPerConnection builds, so each connection plans them once", async () => {
    const threadTitle = preparedPerConnection((db) =>
      db
        .select({ title: threads.title })
        .from(threads)
        .where(eq(threads.id, sql.placeholder("id")))
        .prepare(),
    );
    const thread = await makeThread(await makeUser("member"), { title: "A thread read through a named statement" });
    // Inside a write, reads use the write's connection: the statement and the check share it.
    const { title, named } = await write(async (db) => {
      const [row] = await threadTitle().execute({ id: thread.threadId });
      const prepared = await rawRows<{ name: string }>(
        db,
        sql`SELECT name FROM pg_prepared_statements WHERE statement LIKE '%from "threads"%'`,
      );
      return { title: row.title, named: prepared };
    });
    expect(title).toBe("A thread read through a named statement");
    expect(named).toEqual([{ name: expect.stringMatching(/^hearth_[0-9a-f]{24}$/) }]);
  });

  it("names raw queries of a fixed shape (keepPrepared), and only those", async () => {
    const thread = await makeThread(await makeUser("member"), { title: "A thread read by a raw query" });
    const named = await write(async (db) => {
      const kept = sql`SELECT title AS "keptTitle" FROM threads WHERE id = ${thread.threadId}`;
      const once = sql`SELECT title AS "onceTitle" FROM threads WHERE id = ${thread.threadId}`;
      const [row] = await rawRows<{ keptTitle: string }>(db, kept, { keepPrepared: true });
      await rawRows(db, once);
      expect(row.keptTitle).toBe("A thread read by a raw query");
      return rawRows<{ statement: string }>(
        db,
        sql`SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%Title" FROM threads%'`,
      );
    });
    expect(named.map((row) => row.statement)).toEqual([expect.stringContaining('"keptTitle"')]);
  });

  it("finds the newest matches of a word in a few percent of the documents through its GIN index, not by walking the primary key", async () => {
    // 60,000 documents, "middling" in one in 30 (3 %): the newest 1,000 of its matches. A planner
    // that costs a random read as a disk seek (random_page_cost 4) walks the primary key backwards,
    // testing each row's tsvector, through about 30,000 rows; the app's connections fetch the 2,000
    // matches the index names instead (DECISIONS #102).
    await other.query(`CREATE TABLE planner_docs (id int PRIMARY KEY, tsv tsvector)`);
    try {
      await other.query(`
        INSERT INTO planner_docs SELECT i, to_tsvector('simple', 'common ' || (i % 97) || ' w' || (i % 1000)
          || CASE WHEN i % 30 = 0 THEN ' middling' ELSE '' END || ' '
          || (SELECT string_agg('f' || ((i * 7 + k * 13) % 5000), ' ') FROM generate_series(1, 40) k))
        FROM generate_series(1, 60000) i`);
      await other.query(`CREATE INDEX ON planner_docs USING gin (tsv)`);
      await other.query(`ANALYZE planner_docs`);
      const explain = `EXPLAIN SELECT id FROM planner_docs WHERE tsv @@ 'middling'::tsquery ORDER BY id DESC LIMIT 1000`;
      const planOf = (rows: Record<string, unknown>[]) => rows.map((row) => row["QUERY PLAN"]).join("\n");
      const onRead = planOf(await read((db) => rawRows(db, sql.raw(explain))));
      const inWrite = planOf(await write((db) => rawRows(db, sql.raw(explain))));
      const withDefaults = planOf((await other.query(explain)).rows);
      expect(onRead).toMatch(/Bitmap Index Scan on planner_docs_tsv_idx/);
      expect(inWrite).toMatch(/Bitmap Index Scan on planner_docs_tsv_idx/);
      // The difference is the connections' setting, not the data.
      expect(withDefaults).toMatch(/Index Scan Backward using planner_docs_pkey/);
    } finally {
      await other.query(`DROP TABLE planner_docs`);
    }
  }, 30_000);

  it("ranks the newest matches of a sparse word from a window of the newest ids sized by the planner's estimate, the same as ranking them all", async () => {
    // 60,000 documents: "tenth" in one in 12 (8 %) throughout, "ancient" in one in 4 of the oldest
    // 20,000 only, so the window its overall share asks for holds fewer than the cap and the rest
    // comes from below it. Ids above any other test's (the share is of the ids), removed afterwards.
    const base = 10_000;
    await other.query(`
      INSERT INTO search_threads (thread_id, title, body, facets, boost, tsv)
      SELECT ${base} + i, 'doc ' || i, '', '{}', 1 + (i % 7) / 10.0,
        setweight(to_tsvector('hearth', 'doc ' || i), 'A') || to_tsvector('hearth', 'filler w' || (i % 997)
          || CASE WHEN i % 12 = 0 THEN repeat(' tenth', 1 + i % 5) ELSE '' END
          || CASE WHEN i % 4 = 0 AND i <= 20000 THEN repeat(' ancient', 1 + i % 3) ELSE '' END)
      FROM generate_series(1, 60000) i`);
    try {
      await other.query(`ANALYZE search_threads`);
      const statements: string[] = [];
      const search = postgresSearchOn((query, options) => {
        statements.push(new PgDialect().sqlToQuery(query).sql);
        return pgRead(query, options);
      });
      for (const word of ["tenth", "ancient"]) {
        statements.length = 0;
        const text = { kind: "all" as const, query: { required: [word], excluded: [] } };
        const ranking = await search.rankThreads(text, {}, 20);
        // Every match ranked, newest cap + 1 counted: what the window must not change.
        const { rows } = await other.query(
          `WITH newest AS (SELECT thread_id, ts_rank('{0.1, 0.1, 0.4, 1.0}', tsv, q, 32) * boost AS relevance
             FROM search_threads, to_tsquery('hearth', $1) q WHERE tsv @@ q ORDER BY thread_id DESC LIMIT $2)
           SELECT thread_id, (SELECT count(*) FROM newest) AS matches FROM newest
           WHERE thread_id > (SELECT min(thread_id) FROM newest) OR (SELECT count(*) FROM newest) <= $3
           ORDER BY relevance DESC, thread_id DESC LIMIT 20`,
          [word, RANKED_MATCH_CAP + 1, RANKED_MATCH_CAP],
        );
        expect(ranking.rows.map((row) => row.id)).toEqual(rows.map((row) => Number(row.thread_id)));
        expect(ranking.capped).toBe(Number(rows[0].matches) > RANKED_MATCH_CAP);
        expect(ranking.total).toBe(Math.min(Number(rows[0].matches), RANKED_MATCH_CAP));
        // Read from a window below the newest ids, through the indexes ("+ 0" keeps the walk off).
        expect(statements.some((text) => text.includes(`"thread_id" + 0 DESC`))).toBe(true);
        if (word === "ancient") expect(statements.filter((text) => text.includes("WITH found")).length).toBe(2);
      }
    } finally {
      await other.query(`DELETE FROM search_threads WHERE thread_id > ${base}`);
    }
  }, 60_000);

  it("sends the next write's BEGIN before the write ahead of it hears back from its COMMIT: the lock orders them in the server", async () => {
    const events: string[] = [];
    const query = pg.Client.prototype.query;
    const watched = /^(BEGIN|COMMIT)/;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === "string" ? args[0] : "";
      const sent = (query as (...a: unknown[]) => unknown).apply(this, args);
      if (!watched.test(text)) return sent;
      const statement = text.split(";")[0];
      events.push(`${statement} sent`);
      return (sent as Promise<unknown>).then((result) => {
        events.push(`${statement} answered`);
        return result;
      });
    } as typeof query;
    try {
      await Promise.all([insert("warm-1"), insert("warm-2")]); // both write connections open
      events.length = 0;
      await Promise.all([insert("overlapped-1"), insert("overlapped-2")]);
    } finally {
      pg.Client.prototype.query = query;
    }
    // What was sent when is the engine's doing; the answers of two connections may be read in either
    // order (both arrive at once when the COMMIT frees the lock), so only their count is asserted.
    expect(events.filter((event) => event.endsWith(" sent"))).toEqual([
      "BEGIN sent",
      "COMMIT sent",
      "BEGIN sent",
      "COMMIT sent",
    ]);
    expect(events.slice(0, 4)).toEqual(["BEGIN sent", "BEGIN answered", "COMMIT sent", "BEGIN sent"]);
    expect(events.filter((event) => event.endsWith(" answered")).sort()).toEqual([
      "BEGIN answered",
      "BEGIN answered",
      "COMMIT answered",
      "COMMIT answered",
    ]);
    expect([await isCommitted("overlapped-1"), await isCommitted("overlapped-2")]).toEqual([true, true]);
  });
});
