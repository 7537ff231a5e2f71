import { beforeAll, describe, expect, it } from "vitest";
import { afterCommitWorkDone, countQueries } from "~/lib/db.server";
import { databaseEngine } from "~/lib/env.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { postAnswer } from "~/models/community/posts.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { castVote } from "~/models/community/votes.server";
import { markSolution } from "~/models/community/solutions.server";
import { listThreads } from "~/models/community/threads.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { inArray } from "drizzle-orm";
import { users } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { awardDueBadges } from "~/models/badges/awarding.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { addComments, importedAnswer, importedThread, importedUser } from "../../fixtures/imported";

let asker: Member;
let reader: Member;
let helpers: Member[];

beforeAll(async () => {
  asker = await makeUser("customer");
  reader = await makeUser("member");
  helpers = await Promise.all(Array.from({ length: 6 }, () => makeUser("member")));
});

async function threadWithAnswers(count: number) {
  const { threadId } = await makeThread(asker);
  const ids: number[] = [];
  for (let i = 0; i < count; i++)
    ids.push((await makeAnswer(helpers[i % helpers.length], threadId, `answer ${i}`)).postId);
  for (const postId of ids.slice(0, 3)) await castVote(reader, postId, { value: "1" });
  await markSolution(asker, ids[0], "accepted");
  return threadId;
}

describe("query counts", () => {
  it("reads a thread page with the same number of queries for 2 answers and for 60", async () => {
    const small = await threadWithAnswers(2);
    const large = await threadWithAnswers(60);
    await afterCommitWorkDone();
    for (const actor of [VISITOR, reader]) {
      const forSmall = await countQueries(() => getThreadPage(actor, small));
      const forLarge = await countQueries(() => getThreadPage(actor, large));
      expect(forSmall).toBeGreaterThan(0);
      expect(forLarge).toBe(forSmall);
    }
  });

  it("shows each author's reputation and most notable badge with the same number of queries", async () => {
    const threadId = await threadWithAnswers(12);
    await afterCommitWorkDone();
    const before = new Map<string, number>();
    for (const actor of [VISITOR, reader])
      before.set(actor.kind, await countQueries(() => getThreadPage(actor, threadId)));
    await awardDueBadges(new Date());
    await scriptDb()
      .update(users)
      .set({ reputation: 1234 })
      .where(inArray(users.id, [helpers[0].id, asker.id]));
    for (const actor of [VISITOR, reader]) {
      expect(await countQueries(() => getThreadPage(actor, threadId))).toBe(before.get(actor.kind));
      const page = await getThreadPage(actor, threadId);
      const accepted = page.solutions[0];
      expect(accepted.authorReputation).toBe(1234);
      expect(accepted.authorBadge).toEqual({ key: "quick-answer", tag: "" });
      expect(page.question.authorBadge).toBeNull();
    }
  });

  it("reads an imported thread's page with one query more than a Hearth thread's (its comments), however many", async () => {
    const site = "bicycles.meta.stackexchange.com";
    const [importedAsker, importedHelper] = [await importedUser(site, 1), await importedUser(site, 2)];
    const own = await threadWithAnswers(2);
    const { threadId, questionId } = await importedThread(importedAsker, site, 11);
    const answerId = await importedAnswer(importedHelper, threadId, site, 12);
    const quiet = (await importedThread(importedAsker, site, 13)).threadId;
    await addComments(questionId, [{ author: importedHelper, body: "one" }]);
    await addComments(answerId, [
      { author: importedAsker, body: "two" },
      { author: importedHelper, body: "three" },
    ]);
    await afterCommitWorkDone();
    for (const actor of [VISITOR, reader]) {
      const hearth = await countQueries(() => getThreadPage(actor, own));
      expect(await countQueries(() => getThreadPage(actor, threadId))).toBe(hearth + 1);
      expect(await countQueries(() => getThreadPage(actor, quiet))).toBe(hearth + 1);
    }
  });

  it("lists 2 or 20 threads with the same number of queries", async () => {
    for (let i = 0; i < 20; i++) await makeThread(asker, { title: `Listing question number ${i} here` });
    await afterCommitWorkDone(); // a new question's follow-up check, which would count as the list's
    const two = await countQueries(() => listThreads(VISITOR, { filter: "all", sort: "newest", page: 1 }, 2));
    const twenty = await countQueries(() => listThreads(VISITOR, { filter: "all", sort: "newest", page: 1 }, 20));
    expect(twenty).toBe(two);
  });

  it("posts an answer in 4 statements on PostgreSQL, each a round trip under the write lock (6 on SQLite)", async () => {
    const { threadId } = await makeThread(asker);
    await resetAllLimits();
    await afterCommitWorkDone();
    // The thread with its author's standing and whether a follow-up waits on it, the rate limit, the
    // post with the thread's count, the fan-out with the author's watch (BEGIN and COMMIT are not counted).
    const statements = await countQueries(() => postAnswer(helpers[0], threadId, { body: "Counted answer." }));
    expect(statements).toBe(databaseEngine() === "postgres" ? 4 : 6);
  });
});
