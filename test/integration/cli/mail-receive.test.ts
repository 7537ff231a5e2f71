// `npm run mail:receive` as a mail server's pipe transport runs it: a child process with the
// message on standard input, judged by its exit code and its one line of output.
import { spawn } from "node:child_process";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { posts } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { replyAddressFor } from "~/models/notifications/reply-address.server";
import { makeThread, makeUser } from "../../fixtures/factories";
import { startSmtpSink } from "../../fixtures/smtp-sink";
import { testEngine } from "../../fixtures/test-databases";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let asker: Member;
let threadId: number;
let address: string;
const emailOf = (member: Member) => `${member.username}@example.test`;

beforeAll(async () => {
  sink = await startSmtpSink();
  asker = await makeUser("customer");
  ({ threadId } = await makeThread(asker));
  address = await replyAddressFor(asker.id, { kind: "thread", threadId });
});
afterAll(() => sink.close());

function mailReceive(input: Buffer, { env = {}, npm = false }: { env?: Record<string, string>; npm?: boolean } = {}) {
  const [command, args] = npm
    ? ["npm", ["run", "--silent", "mail:receive"]]
    : ["node_modules/.bin/tsx", ["app/cli/mail-receive.ts"]];
  const child = spawn(command, args, {
    env: { ...process.env, SMTP_URL: sink.url, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  child.stdin.on("error", () => {}); // the child may exit before reading everything
  child.stdin.end(input);
  return new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout: stdout.trim() })),
  );
}

const message = (body: string, headers = "") =>
  Buffer.from(
    `From: ${emailOf(asker)}\r\nTo: ${address}\r\nSubject: Re: the hub\r\nMessage-ID: <${Math.random()}@mail.test>\r\n${headers}\r\n${body}`,
  );

const answers = () =>
  scriptDb()
    .select({ body: posts.bodyMarkdown })
    .from(posts)
    .where(and(eq(posts.threadId, threadId), eq(posts.kind, "answer")));

describe("npm run mail:receive", () => {
  it("posts the reply on stdin and exits 0 with one line", async () => {
    const result = await mailReceive(message("Posted through the pipe.\r\n\r\n> quoted\r\n"), { npm: true });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^posted <[\d.]+@mail\.test>$/) });
    expect(await answers()).toContainEqual({ body: "Posted through the pipe." });
  });

  it("refuses a 10 MB message with a bounce that says why, and exits 0", async () => {
    const result = await mailReceive(message("x".repeat(10 * 1024 * 1024)));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^refused .*larger than 5 MB/);
    const bounce = await sink.next(emailOf(asker));
    expect(bounce.mail.text).toContain("Your email is larger than 5 MB");
    expect(await answers()).not.toContainEqual({ body: expect.stringMatching(/^x+$/) });
  });

  it("exits 65 for input that is not an email", async () => {
    const result = await mailReceive(Buffer.from("\u0000\u0001\u0002 garbage"));
    expect(result).toMatchObject({ code: 65, stdout: expect.stringMatching(/^unparseable/) });
  });

  it("exits 75 when the database cannot be opened, so the mail server tries again", async () => {
    // A file that cannot be created, or a server nobody listens for (port 1 refuses at once).
    const unreachable: Record<string, string> =
      testEngine() === "postgres"
        ? { DATABASE_URL: "postgres://hearth@127.0.0.1:1/hearth" }
        : { DATABASE_PATH: "/dev/null/hearth.sqlite" };
    const result = await mailReceive(message("Later"), { env: unreachable });
    expect(result).toMatchObject({ code: 75, stdout: expect.stringMatching(/^tempfail/) });
  });
});
