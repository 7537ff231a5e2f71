import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { is } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { copyPlan, orderByForeignKeys } from "~/cli/database/copy-plan";
import { canonicalJson, comparable, fromSqlite, ValueProblem } from "~/cli/database/copy-values";
import { olderThanServer, toolVersion } from "~/cli/database/pg-tools";
import * as sqliteSchema from "../../../db/schema-sqlite";

describe("copyPlan", () => {
  const plan = copyPlan();
  const position = new Map(plan.map((table, i) => [table.name, i]));

  it("copies every table of the schema", () => {
    const sqliteTables = (Object.values(sqliteSchema) as unknown[])
      .filter((value): value is SQLiteTable => is(value, SQLiteTable))
      .map((table) => sqliteTableConfig(table).name);
    expect(plan.map((table) => table.name).sort()).toEqual(sqliteTables.sort());
  });

  it("puts each table after the tables its foreign keys point at", () => {
    expect(position.get("users")).toBeLessThan(position.get("threads")!);
    expect(position.get("threads")).toBeLessThan(position.get("posts")!);
    expect(position.get("posts")).toBeLessThan(position.get("votes")!);
  });

  it("fills a column that points into its own table after the table", () => {
    const threads = plan.find((table) => table.name === "threads")!;
    expect(threads.deferred).toEqual(["duplicate_of_id"]);
    expect(threads.identity).toBe("id");
    expect(plan.find((table) => table.name === "thread_tags")!.key.map((column) => column.name)).toEqual([
      "thread_id",
      "tag_id",
    ]);
  });

  it("names the tables of a foreign-key cycle it cannot order", () => {
    const table = (name: string, ...references: string[]) => ({ name, references: new Set(references) });
    expect(() => orderByForeignKeys([table("a", "b"), table("b", "a"), table("c")])).toThrow(
      "foreign keys form a cycle between a, b",
    );
  });
});

describe("fromSqlite", () => {
  const problem = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof ValueProblem) return error.message;
      throw error;
    }
    return null;
  };

  it("converts booleans, keeps epoch milliseconds and decodes text read as bytes", () => {
    expect(fromSqlite("boolean", 1)).toBe(true);
    expect(fromSqlite("boolean", 0)).toBe(false);
    expect(fromSqlite("int8", 1_795_426_550_115)).toBe(1_795_426_550_115);
    expect(fromSqlite("text", Buffer.from("Grüße 🔥"))).toBe("Grüße 🔥");
    expect(fromSqlite("jsonb", Buffer.from('{"b":1}'))).toBe('{"b":1}');
    expect(fromSqlite("text", null)).toBeNull();
  });

  it("names what PostgreSQL would refuse", () => {
    expect(problem(() => fromSqlite("text", Buffer.from("a\0b")))).toContain("NUL byte");
    expect(problem(() => fromSqlite("text", Buffer.from([0x41, 0xff])))).toContain("not valid UTF-8");
    expect(problem(() => fromSqlite("int4", 2 ** 31))).toContain("does not fit PostgreSQL's integer");
    expect(problem(() => fromSqlite("int4", 1.5))).toContain("in an integer column");
    expect(problem(() => fromSqlite("int4", Buffer.from("12")))).toContain("in an integer column");
    expect(problem(() => fromSqlite("int8", 2 ** 53))).toContain("past 2^53");
    expect(problem(() => fromSqlite("boolean", 2))).toContain("0 or 1 expected");
    expect(problem(() => fromSqlite("jsonb", Buffer.from("{oops")))).toContain("not valid JSON");
    expect(problem(() => fromSqlite("jsonb", Buffer.from('{"a":"\\u0000"}')))).toContain("jsonb refuses");
    expect(problem(() => fromSqlite("jsonb", Buffer.from('["\\ud800"]')))).toContain("jsonb refuses");
    expect(problem(() => fromSqlite("jsonb", Buffer.from('["\\ud83d\\udd25"]')))).toBeNull();
  });
});

describe("comparable", () => {
  it("gives a SQLite value and its PostgreSQL copy the same form", () => {
    expect(comparable("int8", 1_795_426_550_115, "sqlite")).toBe(comparable("int8", "1795426550115", "postgres"));
    expect(comparable("boolean", true, "sqlite")).toBe(comparable("boolean", true, "postgres"));
    expect(comparable("jsonb", '{"b": 1, "a": [true, null]}', "sqlite")).toBe(
      comparable("jsonb", { a: [true, null], b: 1 }, "postgres"),
    );
    expect(comparable("jsonb", '"text"', "sqlite")).toBe(comparable("jsonb", "text", "postgres"));
  });

  it("tells different values apart", () => {
    expect(comparable("int4", 1, "sqlite")).not.toBe(comparable("int4", 2, "postgres"));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
  });
});

describe("pg_dump's version", () => {
  it("is read from --version and refused when older than the server", () => {
    const tool = {
      file: "/usr/lib/postgresql/15/bin/pg_dump",
      ...toolVersion("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)")!,
    };
    expect(tool).toMatchObject({ major: 15, version: "15.18" });
    expect(olderThanServer(tool, "pg_dump", 150018)).toBeNull();
    expect(olderThanServer(tool, "pg_dump", 170002)).toBe(
      "pg_dump 15.18 (/usr/lib/postgresql/15/bin/pg_dump) is older than the server (PostgreSQL 17) and cannot back it up: install PostgreSQL 17's client tools (on Debian: postgresql-client-17 from apt.postgresql.org)",
    );
    expect(toolVersion("something else")).toBeNull();
  });
});
