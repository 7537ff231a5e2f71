// `node server.mjs` against the built app with a bad environment variable: it stops at once with
// exit code 1 and one line naming the variable, before it opens the database or listens.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TEST_DB_DIR } from "../../fixtures/test-databases";

/**
 * Runs the command with `env` over this process's environment; its exit code and output. A server
 * that does not stop on its own is killed after 15 s, and its exit code is then null, not 1.
 */
async function runToExit(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000); // a server that started anyway
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("node server.mjs with a bad configuration", () => {
  it.each([
    [{ PORT: "abc" }, ['PORT="abc": expected a whole number from 0 to 65535']],
    [{ MAX_CONCURRENT_REQUESTS: "0" }, ['MAX_CONCURRENT_REQUESTS="0": expected a whole number, at least 1']],
    [{ PUBLIC_URL: "notaurl" }, ['PUBLIC_URL="notaurl": expected an http:// or https:// address']],
    [{ NODE_ENV: "staging" }, ['NODE_ENV="staging": expected production, development or test']],
    [
      { TRUST_PROXY: "bogus", JOBS: "no" },
      ['JOBS="no": expected on or off', 'TRUST_PROXY="bogus": expected a number of proxies'],
    ],
  ])("stops on its own with exit code 1 for %j, naming each bad variable on a line", async (bad, lines) => {
    const database = path.join(TEST_DB_DIR, `bad-configuration-${process.pid}-${Date.now()}.sqlite`);
    const run = await runToExit(process.execPath, ["server.mjs"], {
      PORT: "0",
      NODE_ENV: "production",
      DATABASE_PATH: database,
      ...bad,
    });
    expect(run.code).toBe(1);
    const printed = run.stderr.trimEnd().split("\n");
    expect(printed).toHaveLength(lines.length); // one line each, no stack trace
    printed.forEach((line, i) => expect(line).toContain(`Invalid environment variable ${lines[i]}`));
    expect(run.stdout).not.toContain("Hearth is serving");
    expect(fs.existsSync(database)).toBe(false); // the database was not even opened
  });
});
