import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareDemoDatabase } from "../../fixtures/demo-database";
import { startSession } from "~/models/accounts/auth.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { makeThread, makeUser } from "../../fixtures/factories";
import { TEMPLATE_DB, testEngine } from "../../fixtures/test-databases";
import { httpClient } from "../../fixtures/http-client";
import { startServerProcess } from "../../fixtures/server-process";

const run = promisify(execFile);
const backupDir = fs.mkdtempSync(path.join(path.dirname(TEMPLATE_DB), "backup-"));
afterAll(() => fs.rmSync(backupDir, { recursive: true, force: true }));

async function backup(target: string) {
  return run("node_modules/.bin/tsx", ["app/cli/backup.ts", target], { env: process.env }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stderr: string }) => ({ code: error.code, output: error.stderr }),
  );
}

let asker: Member;
let cookie: string;

beforeAll(async () => {
  await prepareDemoDatabase();
  asker = await makeUser("customer");
  cookie = (await startSession((await makeUser("member")).id, { secure: false })).split(";")[0];
});

// SQLite's online backup; PostgreSQL's (pg_dump) is tested in its own file.
describe.skipIf(testEngine() === "postgres")("npm run db:backup", () => {
  it(
    "copies the database of a server that keeps writing, the copy passes integrity_check and a server runs on it",
    { timeout: 120_000 },
    async () => {
      const live = await startServerProcess({ JOBS: "off" });
      const client = httpClient(live.baseUrl);
      const { threadId, slug } = await makeThread(asker, { category: "getting-started", tags: "setup" });
      const threadPath = `/questions/${threadId}/${slug}`;
      const target = path.join(backupDir, "nested", "hearth-copy.sqlite");

      let writing = true;
      const answers: number[] = [];
      const writer = (async () => {
        while (writing) {
          await resetAllLimits(); // the answers rate limit would stop a long run
          answers.push(
            (
              await client.post(
                threadPath,
                { intent: "answer", body: `Answer ${answers.length} during the backup.` },
                { cookie },
              )
            ).status,
          );
        }
      })();
      const result = await backup(target);
      writing = false;
      await writer;

      expect(result).toMatchObject({ code: 0 });
      expect(result.output).toContain("integrity_check: ok");
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.every((status) => status === 303)).toBe(true);
      expect((fs.statSync(target).mode & 0o777).toString(8)).toBe("600");
      expect((fs.statSync(path.dirname(target)).mode & 0o777).toString(8)).toBe("700");

      const restored = await startServerProcess({ DATABASE_PATH: target, MAIL_DIR: `${target}.mail`, JOBS: "off" });
      expect((await httpClient(restored.baseUrl).get(threadPath)).status).toBe(200);
    },
  );

  it("refuses to overwrite an existing file", async () => {
    const target = path.join(backupDir, "taken.sqlite");
    fs.writeFileSync(target, "something precious");
    const result = await backup(target);
    expect(result.code).toBe(1);
    expect(result.output).toContain("already exists");
    expect(fs.readFileSync(target, "utf8")).toBe("something precious");
  });
});
