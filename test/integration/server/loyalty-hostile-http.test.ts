// Hostile input on issue 16's routes (reputation, suggested edits, close votes, badges, rewards,
// trust): every answer is a 2xx, 3xx or a clear 4xx, quickly, and its bytes are clean UTF-8.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { posts, threads } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({ admin: "admin@example.com", staff: "staff@example.com", customer: "customer@example.com" });

const LONG_WORD = "x".repeat(32_000);
const ODD = "‮ŝtraße 🛜 ﬁ\u200d中文\u0000";
let threadPath = "";
let answerId = 0;

beforeAll(async () => {
  const [answer] = await scriptDb()
    .select({ id: posts.id, threadId: posts.threadId, slug: threads.slug })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .where(eq(posts.kind, "answer"))
    .limit(1);
  answerId = answer.id;
  threadPath = `/questions/${answer.threadId}/${answer.slug}`;
});

async function expectClean(response: Response, what: string) {
  expect(response.status, what).toBeLessThan(500);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  expect(text.includes("\u0000"), `${what}: NUL`).toBe(false);
  expect(text.includes("\ufffd"), `${what}: U+FFFD`).toBe(false);
}

describe("issue 16's routes under hostile input", () => {
  it("answer odd queries on the new pages with a page, not an error", async () => {
    for (const path of [
      `/leaderboards?tag=${encodeURIComponent(ODD)}&period=${LONG_WORD}`,
      "/leaderboards?tag=%E0%A4%A&page=%ZZ",
      `/users/devon?reputation=${LONG_WORD}`,
      `/badges/${encodeURIComponent(ODD)}`,
      "/badges/%E0%A4%A",
      `/privileges?x=${LONG_WORD}`,
      `/mod/edits?page=${encodeURIComponent(ODD)}`,
      "/mod/reputation?page=-1",
    ]) {
      await expectClean(await client.get(path, { cookie: cookies.staff }), path);
    }
  });

  it("refuse hostile forms with a 4xx and never a 500", async () => {
    const forms: [string, Record<string, string>, string][] = [
      ["/mod/edits", { id: "abc", decision: "approve" }, "staff"],
      ["/mod/edits", { id: "99999999999999999999", decision: "reject", reason: LONG_WORD }, "staff"],
      ["/mod/reputation", { intent: "settings", upvoteAnswer: LONG_WORD, dailyVoteCap: ODD }, "admin"],
      [`/posts/${answerId}/edit`, { intent: "suggest", body: LONG_WORD, summary: LONG_WORD, base: ODD }, "customer"],
      [
        `/posts/${answerId}/edit`,
        { intent: "suggest", body: "> ".repeat(5000) + "deep", summary: "Nested" },
        "customer",
      ],
      [threadPath, { intent: "close-vote", reason: LONG_WORD }, "customer"],
      [threadPath, { intent: "retract-close-vote" }, "customer"],
      ["/mod/trust", { intent: "thresholds", basicReputation: LONG_WORD }, "admin"],
      ["/rewards/1", { cost: ODD }, "customer"],
      ["/mod/rewards", { name: ODD, cost: LONG_WORD }, "admin"],
    ];
    for (const [path, form, who] of forms) {
      await resetAllLimits();
      const response = await client.post(path, form, { cookie: cookies[who] });
      expect(response.status, path).toBeGreaterThanOrEqual(300);
      await expectClean(response, `${path} ${JSON.stringify(Object.keys(form))}`);
    }
  });

  it("answer a JSON or plain-text body where a form is expected with a 4xx", async () => {
    for (const [path, type, body] of [
      ["/mod/edits", "application/json", JSON.stringify({ id: 1, decision: "approve" })],
      ["/mod/reputation", "text/plain", "upvoteAnswer=5"],
      [threadPath, "application/json", JSON.stringify({ intent: "close-vote", reason: "off_topic" })],
    ]) {
      const response = await fetch(client.baseUrl + path, {
        method: "POST",
        redirect: "manual",
        body,
        headers: {
          "content-type": type,
          origin: new URL(client.baseUrl).origin,
          "sec-fetch-site": "same-origin",
          cookie: cookies.admin,
        },
      });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
  });
});
