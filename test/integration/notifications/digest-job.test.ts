// The digest end to end: the background jobs run once, and the email is read as it was written.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { categories, emailOutbox, watches } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { firstRow, scriptDb } from "~/lib/db.server";
import { runAllJobsOnce } from "~/server/jobs.server";
import { mailReader } from "../../fixtures/mail";
import { ensureVocabulary, makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const PUBLIC_URL = "https://community.example";
const START = new Date("2026-12-01T09:00:00Z");
const DAY = 24 * 3600_000;
const day = (n: number) => new Date(START.getTime() + n * DAY);

beforeAll(() => {
  process.env.PUBLIC_URL = PUBLIC_URL;
});
afterAll(() => {
  delete process.env.PUBLIC_URL;
});
afterEach(() => setClock(null));

describe("the digest job", () => {
  it("emails a digest with the threads' titles, excerpts and absolute links, and a one-click unsubscribe", async () => {
    setClock(START);
    await ensureVocabulary();
    const reader = await makeUser("customer");
    const author = await makeUser("customer");
    const general = firstRow(await scriptDb().select().from(categories).where(eq(categories.slug, "general")))!;
    await scriptDb()
      .insert(watches)
      .values({ userId: reader.id, target: "category", targetId: general.id, level: "watching", updatedAt: START });
    setClock(day(9));
    const watched = await makeThread(author, {
      title: "Hub forgets scenes after a power cut",
      body: "Every scene is gone when the power comes back. <script>alert(1)</script> **Why?**",
    });
    const earlier = await makeThread(author, {
      title: "Which locks pair with the hub",
      category: "billing",
      tags: "locks",
    });
    setClock(day(1));
    await makeAnswer(reader, earlier.threadId, "The Yale ones.");
    setClock(day(10));
    const waiting = await makeThread(author, {
      title: "Lock reports jammed when it is not",
      category: "billing",
      tags: "locks",
    });

    const ran = await runAllJobsOnce(day(14));
    expect(ran["send-digests"].sent).toBeGreaterThanOrEqual(1);
    // The reader also hears of new posts in what they watch; the digest is the one that says what they missed.
    const email = await mailReader().next(`${reader.username}@example.test`, "What you missed");
    // Long headers are folded onto the next line, as RFC 5322 allows.
    expect(email).toMatch(/Subject: What you missed on Nimbus Community: 1 new thread and 1 unanswered\s+question/);
    expect(email).toContain(
      "Since 8 December 2026: 1 new thread in what you follow, and 1 unanswered question in tags",
    );
    expect(email).toMatch(
      new RegExp(`List-Unsubscribe:\\s+<${PUBLIC_URL}/unsubscribe\\?u=${reader.id}&k=digest&t=[\\w-]+>`),
    );
    expect(email).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(email).toContain("Hub forgets scenes after a power cut");
    expect(email).toContain("Every scene is gone when the power comes back.");
    expect(email).not.toContain("<script>");
    expect(email).toContain(`${PUBLIC_URL}/questions/${watched.threadId}/${watched.slug}`);
    expect(email).toContain(`Waiting for an answer: Lock reports jammed when it is not`);
    expect(email).toContain(`${PUBLIC_URL}/questions/${waiting.threadId}/${waiting.slug}`);
    expect(email).toContain("You get this digest weekly because you have not visited since 1 December 2026.");

    // The HTML part (sent once the mail job sends HTML) says the same, with the same links.
    const row = firstRow(
      await scriptDb()
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.userId, reader.id), eq(emailOutbox.kind, "digest"))),
    )!;
    expect(row.html).toContain("Hub forgets scenes after a power cut");
    expect(row.html).toContain(`href="${PUBLIC_URL}/questions/${watched.threadId}/${watched.slug}"`);
    expect(row.html).toContain(`href="${PUBLIC_URL}/unsubscribe?u=${reader.id}&amp;k=digest&amp;t=`);
    expect(row.html).not.toContain("<script>alert");

    // Run again at once: nothing new is written.
    expect((await runAllJobsOnce(day(14)))["send-digests"]).toEqual({ sent: 0, empty: 0 });
  });

  it("sends one digest per person when three job runners race in separate processes", async () => {
    setClock(day(30));
    const readers = await Promise.all([1, 2, 3, 4].map(() => makeUser("customer")));
    const author = await makeUser("customer");
    const billing = firstRow(await scriptDb().select().from(categories).where(eq(categories.slug, "billing")))!;
    await scriptDb()
      .insert(watches)
      .values(
        readers.map((reader) => ({
          userId: reader.id,
          target: "category" as const,
          targetId: billing.id,
          level: "watching" as const,
          updatedAt: day(30),
        })),
      );
    setClock(day(40));
    await makeThread(author, { title: "Three runners, one digest each", category: "billing", tags: "billing" });
    const run = () =>
      promisify(execFile)(
        path.resolve("node_modules/.bin/tsx"),
        ["app/cli/jobs-run-once.ts", "--now", day(44).toISOString()],
        {
          env: { ...process.env, DATABASE_PATH: process.env.DATABASE_PATH },
        },
      );
    const outputs = await Promise.all([run(), run(), run()]);
    const sent = outputs.map(({ stdout }) => Number(/send-digests: sent (\d+)/.exec(stdout)?.[1] ?? NaN));
    expect(sent.every(Number.isInteger)).toBe(true);
    for (const reader of readers) {
      const digests = await scriptDb()
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.userId, reader.id), eq(emailOutbox.kind, "digest")));
      expect(digests).toHaveLength(1);
    }
  }, 60_000);
});
