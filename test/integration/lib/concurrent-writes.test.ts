import { and, count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { flags, posts, threads, votes } from "../../../db/schema";
import { prepareDemoDatabase } from "../../fixtures/demo-database";
import { startSession } from "~/models/accounts/auth.server";
import { scriptDb, firstRow } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { LIMITS } from "~/lib/rate-limit.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { httpClient } from "../../fixtures/http-client";
import { startServerProcess } from "../../fixtures/server-process";

const VOTERS = 40;
let voters: { member: Member; cookie: string }[];
let asker: Member;

beforeAll(async () => {
  await prepareDemoDatabase();
  asker = await makeUser("customer");
  voters = await Promise.all(
    Array.from({ length: VOTERS }, async () => {
      // At the member trust level, which votes down.
      const member = await makeUser("member", { trustLevel: 2 });
      return { member, cookie: (await startSession(member.id, { secure: false })).split(";")[0] };
    }),
  );
});

let baseUrls: string[];

describe("concurrent writes from two server processes on one database", () => {
  beforeAll(async () => {
    // Every request must reach the database here: the overload guard, which sheds a burst like this
    // one with 503s when requests wait over 2 s (on PostgreSQL under a loaded machine they can), has
    // its own test (overload-http.test.ts).
    const patient = { MAX_QUEUE_WAIT_MS: "30000" };
    baseUrls = (await Promise.all([startServerProcess(patient), startServerProcess(patient)])).map(
      (server) => server.baseUrl,
    );
  });

  it("counts every vote and answer exactly once and never fails with SQLITE_BUSY", async () => {
    const clients = baseUrls.map(httpClient);
    const { threadId, slug } = await makeThread(asker, { category: "getting-started", tags: "setup" });
    const target = await makeAnswer(asker, threadId, "The answer everyone votes on.");
    const path = `/questions/${threadId}/${slug}`;

    const upvotes = await Promise.all(
      voters.map(({ cookie }, i) =>
        clients[i % 2].post(path, { intent: "vote", postId: String(target.postId), value: "1" }, { cookie }),
      ),
    );
    const answers = await Promise.all(
      voters.map(({ cookie }, i) =>
        clients[(i + 1) % 2].post(path, { intent: "answer", body: `Concurrent answer ${i}` }, { cookie }),
      ),
    );
    expect(upvotes.map((response) => response.status)).toEqual(Array(VOTERS).fill(303));
    expect(answers.map((response) => response.status)).toEqual(Array(VOTERS).fill(303));

    const db = scriptDb();
    expect(
      firstRow(await db.select({ score: posts.score }).from(posts).where(eq(posts.id, target.postId)))!.score,
    ).toBe(VOTERS);
    expect(firstRow(await db.select({ n: count() }).from(votes).where(eq(votes.postId, target.postId)))!.n).toBe(
      VOTERS,
    );
    expect(
      firstRow(await db.select({ answers: threads.answerCount }).from(threads).where(eq(threads.id, threadId)))!
        .answers,
    ).toBe(VOTERS + 1);
    expect(
      firstRow(
        await db
          .select({ n: count() })
          .from(posts)
          .where(and(eq(posts.threadId, threadId), eq(posts.kind, "answer"))),
      )!.n,
    ).toBe(VOTERS + 1);

    // Everyone flips to a downvote at once: the score swings by exactly two per voter.
    const downvotes = await Promise.all(
      voters.map(({ cookie }, i) =>
        clients[(i + 1) % 2].post(path, { intent: "vote", postId: String(target.postId), value: "-1" }, { cookie }),
      ),
    );
    expect(downvotes.every((response) => response.status === 303)).toBe(true);
    expect(
      firstRow(await db.select({ score: posts.score }).from(posts).where(eq(posts.id, target.postId)))!.score,
    ).toBe(-VOTERS);
  });

  it("holds a rate limit across both processes: a burst of flags gets exactly the limit through, the rest a 429 with Retry-After", async () => {
    const clients = baseUrls.map(httpClient);
    const { threadId } = await makeThread(asker, { category: "getting-started", tags: "setup" });
    const targets: number[] = [];
    for (let i = 0; i < LIMITS.flag.max + 10; i++)
      targets.push((await makeAnswer(asker, threadId, `Flag target ${i}`)).postId);
    const flagger = voters[0];
    const responses = await Promise.all(
      targets.map((postId, i) =>
        clients[i % 2].post(`/posts/${postId}/flag`, { reason: "spam" }, { cookie: flagger.cookie }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 303)).toHaveLength(LIMITS.flag.max);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    const refused = responses.find((response) => response.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many attempts. Try again in");
    expect(
      firstRow(await scriptDb().select({ n: count() }).from(flags).where(eq(flags.userId, flagger.member.id)))!.n,
    ).toBe(LIMITS.flag.max);
  });

  it("creates one account when the same username signs up through both processes at once", async () => {
    const clients = baseUrls.map(httpClient);
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        clients[i % 2].post("/signup", {
          email: `race-${i}@example.com`,
          username: "same-name",
          password: "kettle-on-the-hob",
        }),
      ),
    );
    const statuses = attempts.map((response) => response.status).sort();
    expect(statuses).toEqual([302, 400, 400, 400, 400, 400]);
  });
});
