import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess, waitFor } from "../../fixtures/server-process";
import { TEMPLATE_DB, testEngine } from "../../fixtures/test-databases";

// The database holds password hashes and session ids, emails hold sign-in and unsubscribe links:
// nobody but the server's own user may read them.
const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
const scratchDirs: string[] = [];
const scratch = () => {
  scratchDirs.push(fs.mkdtempSync(path.join(path.dirname(TEMPLATE_DB), "modes-")));
  return scratchDirs.at(-1)!;
};
afterAll(() => {
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

// SQLite's files only: on PostgreSQL the server's own data folder and its permissions are the server's.
describe.skipIf(testEngine() === "postgres")("files the server creates", () => {
  it(
    "makes the data folder 0700, the database with its -wal and -shm 0600, the mail folder 0700 and each email 0600",
    { timeout: 120_000 },
    async () => {
      const data = path.join(scratch(), "data");
      const database = path.join(data, "hearth.sqlite");
      const mail = path.join(data, "mail");
      // A new installation as `npm start` makes it: the demo community is seeded, then the server
      // emails its history as .eml files.
      const env = { DATABASE_PATH: database, MAIL_DIR: mail, JOBS_INTERVAL_MS: "200" };
      execFileSync(path.resolve("node_modules/.bin/tsx"), ["app/cli/seed.ts"], { env: { ...process.env, ...env } });
      await startServerProcess(env);
      expect(
        await waitFor(() => fs.existsSync(mail) && fs.readdirSync(mail).some((name) => name.endsWith(".eml")), 600),
      ).toBe(true);

      expect(modeOf(data)).toBe("700");
      for (const suffix of ["", "-wal", "-shm"]) expect(modeOf(database + suffix)).toBe("600");
      expect(modeOf(mail)).toBe("700");
      const emails = fs.readdirSync(mail).map((name) => path.join(mail, name));
      expect(emails.map(modeOf)).toEqual(emails.map(() => "600"));
    },
  );

  it(
    "takes group and world access away from a database that was created readable by everyone",
    { timeout: 120_000 },
    async () => {
      const database = path.join(scratch(), "old.sqlite");
      fs.copyFileSync(TEMPLATE_DB, database);
      fs.chmodSync(database, 0o644);
      await startServerProcess({ DATABASE_PATH: database, MAIL_DIR: `${database}.mail`, JOBS: "off" });
      for (const suffix of ["", "-wal", "-shm"]) expect(modeOf(database + suffix)).toBe("600");
    },
  );
});
