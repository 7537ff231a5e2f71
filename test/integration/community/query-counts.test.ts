import { beforeAll, describe, expect, it } from "vitest";
import { countQueries } from "~/lib/db.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { castVote } from "~/models/community/votes.server";
import { markSolution } from "~/models/community/solutions.server";
import { listThreads } from "~/models/community/threads.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

let asker: Member;
let reader: Member;
let helpers: Member[];

beforeAll(async () => {
  asker = await makeUser("customer");
  reader = await makeUser("member");
  helpers = await Promise.all(Array.from({ length: 6 }, () => makeUser("member")));
});

function threadWithAnswers(count: number) {
  const { threadId } = makeThread(asker);
  const ids = Array.from(
    { length: count },
    (_, i) => makeAnswer(helpers[i % helpers.length], threadId, `answer ${i}`).postId,
  );
  ids.slice(0, 3).forEach((postId) => castVote(reader, postId, { value: "1" }));
  markSolution(asker, ids[0], "accepted");
  return threadId;
}

describe("query counts", () => {
  it("reads a thread page with the same number of queries for 2 answers and for 60", () => {
    const small = threadWithAnswers(2);
    const large = threadWithAnswers(60);
    for (const actor of [VISITOR, reader]) {
      const forSmall = countQueries(() => getThreadPage(actor, small));
      const forLarge = countQueries(() => getThreadPage(actor, large));
      expect(forSmall).toBeGreaterThan(0);
      expect(forLarge).toBe(forSmall);
    }
  });

  it("lists 2 or 20 threads with the same number of queries", () => {
    for (let i = 0; i < 20; i++) makeThread(asker, { title: `Listing question number ${i} here` });
    const two = countQueries(() => listThreads(VISITOR, { filter: "all", sort: "newest", page: 1 }, 2));
    const twenty = countQueries(() => listThreads(VISITOR, { filter: "all", sort: "newest", page: 1 }, 20));
    expect(twenty).toBe(two);
  });
});
