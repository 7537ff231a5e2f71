// npm run db:backup and db:restore on the engine of the run (SQLite, or PostgreSQL with pg_dump and
// pg_restore): a backup taken while another process keeps writing, restored into a new database,
// holds every write acknowledged before the backup started; a database in use is not restored over.
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../fixtures/server-process";
import { onTestServer, TEMPLATE_DB, testDatabaseUrl, testEngine } from "../../fixtures/test-databases";

const run = promisify(execFile);
const folder = fs.mkdtempSync(path.join(path.dirname(TEMPLATE_DB), "backups-"));
const databases: string[] = [];
const postgres = testEngine() === "postgres";

afterAll(async () => {
  if (postgres)
    await onTestServer(async (admin) => {
      for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  fs.rmSync(folder, { recursive: true, force: true });
});

type Outcome = { code: number; stdout: string; stderr: string };

/** Runs db:backup or db:restore as its own process, on this file's database unless `env` names another. */
async function script(name: "backup" | "restore", args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return run("node_modules/.bin/tsx", [`app/cli/${name}.ts`, ...args], { env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

/** A new, empty database of the run's engine: the variable that names it, and a reader of post ids in it. */
async function freshDatabase(): Promise<{ env: Record<string, string>; userIds: () => Promise<number[]> }> {
  if (!postgres) {
    const file = path.join(folder, `restored-${randomUUID()}`, "hearth.sqlite");
    const userIds = async () => {
      const sqlite = new Database(file, { readonly: true });
      try {
        return sqlite.prepare("SELECT id FROM users").pluck().all() as number[];
      } finally {
        sqlite.close();
      }
    };
    return { env: { DATABASE_PATH: file }, userIds };
  }
  const name = `hearth_restore_${randomUUID().replaceAll("-", "")}`;
  await onTestServer((admin) => admin.query(`CREATE DATABASE ${name}`));
  databases.push(name);
  const url = testDatabaseUrl(name);
  const userIds = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ id: number }>("SELECT id FROM users")).rows.map((row) => row.id);
    } finally {
      await client.end();
    }
  };
  return { env: { DATABASE_URL: url }, userIds };
}

const acknowledged = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : [];

describe(`npm run db:backup and db:restore (${testEngine()})`, () => {
  it(
    "restores a backup taken under write load with every write acknowledged before it started",
    { timeout: 120_000 },
    async () => {
      const idsFile = path.join(folder, "acknowledged.txt");
      const writer = spawn("node_modules/.bin/tsx", ["test/fixtures/acknowledged-writer.ts", idsFile], {
        env: process.env,
        stdio: ["ignore", "inherit", "inherit"],
      });
      const stopped = new Promise((resolve) => writer.once("exit", resolve));
      try {
        expect(await waitFor(() => acknowledged(idsFile).length >= 20, 300)).toBe(true);
        const before = acknowledged(idsFile);
        const backupFile = path.join(folder, postgres ? "under-load.dump" : "under-load.sqlite");
        const backup = await script("backup", [backupFile]);
        const during = acknowledged(idsFile).length - before.length;
        expect(backup.stderr).toBe("");
        expect(backup).toMatchObject({ code: 0 });
        expect(backup.stdout).toMatch(postgres ? /pg_restore --list: \d+ entries/ : /integrity_check: ok/);
        expect((fs.statSync(backupFile).mode & 0o777).toString(8)).toBe("600");
        expect(during).toBeGreaterThan(0); // the writer kept writing while the backup ran

        const fresh = await freshDatabase();
        const restore = await script("restore", [backupFile], fresh.env);
        expect(restore.stderr).toBe("");
        expect(restore).toMatchObject({ code: 0 });
        expect(restore.stdout).toMatch(/^Restored /);
        const restored = new Set(await fresh.userIds());
        expect(before.filter((id) => !restored.has(id))).toEqual([]);
        // PostgreSQL's archive carries no planner statistics: the restore gathered them.
        if (postgres) {
          const client = new pg.Client({ connectionString: fresh.env.DATABASE_URL });
          await client.connect();
          const stats = await client
            .query("SELECT 1 FROM pg_stats WHERE tablename = 'users'")
            .finally(() => client.end());
          expect(stats.rows.length).toBeGreaterThan(0);
        }
      } finally {
        writer.kill("SIGTERM");
        await stopped;
      }
    },
  );

  it("does not restore over a database in use unless told to", { timeout: 60_000 }, async () => {
    // This test file's own database is in use: this process has it open.
    const { makeUser } = await import("../../fixtures/factories");
    await makeUser("member");
    const backupFile = path.join(folder, postgres ? "in-use.dump" : "in-use.sqlite");
    expect(await script("backup", [backupFile])).toMatchObject({ code: 0 });

    const refused = await script("restore", [backupFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(postgres ? /other session\(s\) are connected/ : /is open in another process/);
    expect(refused.stderr).toContain("--force");

    const forced = await script("restore", [backupFile, "--force"]);
    expect(forced.stderr).toBe("");
    expect(forced).toMatchObject({ code: 0 });
  });

  it("refuses a backup of the other engine, a missing file and anything else with one line", async () => {
    const other = path.join(folder, "other-engine");
    // Only the first bytes say which engine a backup is for: the script reads no further before refusing.
    const header = postgres ? "SQLite format 3\u0000" : "PGDMP\u0001\u000e\u0000";
    fs.writeFileSync(other, Buffer.concat([Buffer.from(header), Buffer.alloc(512)]));
    const garbage = path.join(folder, "garbage");
    fs.writeFileSync(garbage, "not a backup");
    const cases: [string[], RegExp][] = [
      [
        [other],
        postgres ? /is a SQLite backup and DATABASE_URL names PostgreSQL: .*db:copy/ : /is a PostgreSQL backup/,
      ],
      [[path.join(folder, "missing")], /There is no backup file/],
      [[garbage], /is not a backup made by db:backup/],
      [[], /^Usage: npm run db:restore/],
    ];
    for (const [args, message] of cases) {
      const result = await script("restore", args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  });
});
