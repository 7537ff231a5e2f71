// The connection keeps compiled statements for reuse (db.server.ts): same text, same statement;
// results stay right when drizzle left a statement in raw mode; old texts are let go.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../../db/schema";
import { scriptDb, scriptSqlite, firstRow } from "~/lib/db.server";
import { makeUser } from "../../fixtures/factories";
import { testEngine } from "../../fixtures/test-databases";

// SQLite's statement reuse; PostgreSQL names its prepared statements instead (postgres-engine.test.ts).
describe.skipIf(testEngine() === "postgres")("compiled statements", () => {
  it("hands back the statement compiled before for the same SQL text", () => {
    const sqlite = scriptSqlite();
    expect(sqlite.prepare("SELECT 1 AS one")).toBe(sqlite.prepare("SELECT 1 AS one"));
  });

  it("answers rows as objects again after a statement was switched to raw rows, as drizzle does", () => {
    const sqlite = scriptSqlite();
    expect(sqlite.prepare("SELECT 3 AS three").raw(true).get()).toEqual([3]);
    expect(sqlite.prepare("SELECT 3 AS three").get()).toEqual({ three: 3 });
  });

  it("runs drizzle's queries through the reused statements with the right results", async () => {
    const byId = async (id: number) =>
      firstRow(await scriptDb().select({ id: users.id }).from(users).where(eq(users.id, id)));
    const someone = { id: (await makeUser()).id };
    expect(await byId(someone.id)).toEqual(someone);
    expect(await byId(-1)).toBeUndefined();
    expect(await byId(someone.id)).toEqual(someone);
  });

  it("keeps a bounded number of texts, letting the least recently used go", () => {
    const sqlite = scriptSqlite();
    const first = sqlite.prepare("SELECT 'first'");
    const kept = sqlite.prepare("SELECT 'kept'");
    for (let i = 0; i < 499; i++) {
      sqlite.prepare(`SELECT ${i}`);
      if (i % 100 === 0) sqlite.prepare("SELECT 'kept'"); // used lately: stays
    }
    expect(sqlite.prepare("SELECT 'kept'")).toBe(kept);
    expect(sqlite.prepare("SELECT 'first'")).not.toBe(first);
  });
});
