// The command-line scripts check the whole configuration before any work, as `npm start` does.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { TEST_DB_DIR } from "../../fixtures/test-databases";

const run = promisify(execFile);

describe("npm run db:migrate with a bad configuration", () => {
  it("stops with exit code 1 and a line naming the variable, before it creates the database", async () => {
    const database = path.join(TEST_DB_DIR, `bad-configuration-cli-${process.pid}.sqlite`);
    const env = { ...process.env, DATABASE_PATH: database, MAX_QUEUE_WAIT_MS: "soon" };
    const failure = await run("node_modules/.bin/tsx", ["app/cli/migrate.ts"], { env }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr.trimEnd()).toBe(
      'Invalid environment variable MAX_QUEUE_WAIT_MS="soon": expected a whole number of milliseconds from 0 to 2147483647',
    );
    expect(fs.existsSync(database)).toBe(false);
  });
});
