import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { postRevisions } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { ForbiddenError, NotFoundError, RateLimitError, ValidationError } from "~/lib/errors.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { LIMITS, resetAllLimits } from "~/lib/rate-limit.server";
import { TRUST } from "~/lib/trust-levels";
import { editPost, getPostHistory, postAnswer } from "~/models/community/posts.server";
import { markSolution, unmarkSolution } from "~/models/community/solutions.server";
import { getTag } from "~/models/community/tags.server";
import { askQuestion, listThreads } from "~/models/community/threads.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { slugify } from "~/models/community/post-input";
import { castVote } from "~/models/community/votes.server";
import { moderateThread } from "~/models/moderation/threads.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { fieldErrorsOf } from "../../fixtures/errors";

let asker: Member;
let helper: Member;
let other: Member;
let staff: Member;

beforeEach(async () => {
  asker = await makeUser("customer");
  helper = await makeUser("member");
  // At the member trust level, which votes posts down.
  other = await makeUser("member", { trustLevel: TRUST.member });
  staff = await makeUser("staff");
});

describe("askQuestion", () => {
  it("creates a thread with its question post, tags and a slug", async () => {
    const { threadId, slug } = await makeThread(asker, {
      title: "Hub blinks red after the 4.2 update",
      tags: "firmware, wifi",
    });
    expect(slug).toBe("hub-blinks-red-after-the-4-2-update");
    const page = await getThreadPage(VISITOR, threadId);
    expect(page.thread.title).toBe("Hub blinks red after the 4.2 update");
    expect(page.thread.tags).toEqual(["firmware", "wifi"]);
    expect(page.thread.status).toBe("open");
    expect(page.question.bodyHtml).toContain("<strong>blue</strong>");
    expect((await getTag(VISITOR, "firmware")).threadCount).toBeGreaterThanOrEqual(1);
  });

  it("refuses visitors", async () => {
    await expect(makeThread(VISITOR as unknown as Member)).rejects.toThrow(ForbiddenError);
  });

  it("explains each bad field: empty title, huge body, unknown tag, too many tags", async () => {
    await makeThread(asker); // creates the vocabulary
    expect(await fieldErrorsOf(() => askQuestion(asker, { title: "", body: "x", category: "general" }))).toMatchObject({
      title: expect.stringContaining("at least 10"),
    });
    expect(
      await fieldErrorsOf(() =>
        askQuestion(asker, { title: "A perfectly fine title", body: "x".repeat(32_001), category: "general" }),
      ),
    ).toMatchObject({ body: expect.stringContaining("32,000") });
    expect(
      await fieldErrorsOf(() =>
        askQuestion(asker, {
          title: "A perfectly fine title",
          body: "ok",
          category: "general",
          tags: "wifi, unicorns",
        }),
      ),
    ).toEqual({ tags: expect.stringContaining("unicorns") });
    expect(
      await fieldErrorsOf(() =>
        askQuestion(asker, { title: "A perfectly fine title", body: "ok", category: "general", tags: "a,b,c,d,e,f" }),
      ),
    ).toEqual({ tags: "Use at most 5 tags." });
    expect(
      await fieldErrorsOf(() => askQuestion(asker, { title: "A perfectly fine title", body: "ok", category: "nope" })),
    ).toEqual({ category: "Choose one of the listed categories." });
    expect(await fieldErrorsOf(() => askQuestion(asker, { body: "ok" }))).toEqual({
      title: "This field is required.",
      category: "Choose a category.",
    });
  });

  it("rate-limits a burst of questions from one person", async () => {
    await makeThread(asker);
    await resetAllLimits();
    const ask = () => askQuestion(asker, { title: "Yet another question here", body: "body", category: "general" });
    for (let i = 0; i < 10; i++) await ask();
    await expect(ask()).rejects.toThrow(RateLimitError);
  });

  it("makes URL slugs from any title", () => {
    expect(slugify("Ünïcödé & spaces — “quotes”!")).toBe("unicode-spaces-quotes");
    expect(slugify("???")).toBe("question");
  });
});

describe("postAnswer", () => {
  it("counts the answer, moves last activity and marks the thread answered", async () => {
    const { threadId } = await makeThread(asker);
    const before = (await getThreadPage(VISITOR, threadId)).thread.lastActivityAt;
    await makeAnswer(helper, threadId);
    const page = await getThreadPage(VISITOR, threadId);
    expect(page.thread.answerCount).toBe(1);
    expect(page.thread.status).toBe("answered");
    expect(page.answers).toHaveLength(1);
    expect(page.thread.lastActivityAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it("refuses an empty answer and a missing thread", async () => {
    const { threadId } = await makeThread(asker);
    expect(await fieldErrorsOf(() => postAnswer(helper, threadId, { body: "   " }))).toEqual({
      body: "Write something first.",
    });
    await expect(postAnswer(helper, 999_999, { body: "hello" })).rejects.toThrow(NotFoundError);
  });

  it("counts only answers that could be posted against the answer limit, and says why one cannot first", async () => {
    await resetAllLimits();
    const { threadId: locked } = await makeThread(asker);
    await moderateThread(staff, locked, { action: "lock", reason: "Settled" });
    // Past the limit (30 in 10 minutes) on a locked thread and a missing one: each refused for
    // what it is, and none of them counted.
    for (let i = 0; i < LIMITS.answer.max; i++) {
      await expect(postAnswer(helper, locked, { body: `Try ${i}` })).rejects.toThrow(/locked/);
      await expect(postAnswer(helper, 999_999, { body: `Try ${i}` })).rejects.toThrow(NotFoundError);
    }
    const { threadId: open } = await makeThread(asker);
    for (let i = 0; i < LIMITS.answer.max; i++) await postAnswer(helper, open, { body: `Answer ${i}` });
    // Now the limit is full: a locked thread still says it is locked, an open one says to wait.
    await expect(postAnswer(helper, locked, { body: "Once more" })).rejects.toThrow(/locked/);
    await expect(postAnswer(helper, open, { body: "Once more" })).rejects.toThrow(RateLimitError);
  });
});

describe("castVote", () => {
  it("counts one vote per user, lets it change and be removed", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(helper, threadId);
    expect(await castVote(other, postId, { value: "1" })).toEqual({ score: 1, myVote: 1 });
    await expect(castVote(other, postId, { value: "1" })).rejects.toThrow("You have already upvoted this post.");
    expect((await castVote(asker, postId, { value: "1" })).score).toBe(2);
    expect(await castVote(other, postId, { value: "-1" })).toEqual({ score: 0, myVote: -1 });
    expect(await castVote(other, postId, { value: "0" })).toEqual({ score: 1, myVote: 0 });
  });

  it("refuses a vote on one's own post and an invalid value", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(helper, threadId);
    await expect(castVote(helper, postId, { value: "1" })).rejects.toThrow(ForbiddenError);
    expect(await fieldErrorsOf(() => castVote(other, postId, { value: "5" }))).toHaveProperty("value");
  });

  it("keeps the thread's score equal to its question's score", async () => {
    const { threadId, questionPostId } = await makeThread(asker);
    await castVote(helper, questionPostId, { value: "1" });
    await castVote(other, questionPostId, { value: "1" });
    const top = (await listThreads(VISITOR, { filter: "all", sort: "top", page: 1 })).threads.find(
      (t) => t.id === threadId,
    );
    expect(top?.score).toBe(2);
  });
});

describe("solutions", () => {
  it("lets the asker accept and staff verify; both head the thread", async () => {
    const { threadId } = await makeThread(asker);
    const first = await makeAnswer(helper, threadId, "first");
    const second = await makeAnswer(other, threadId, "second");
    await castVote(asker, first.postId, { value: "1" });
    await markSolution(asker, second.postId, "accepted");
    await markSolution(staff, first.postId, "verified");
    const page = await getThreadPage(VISITOR, threadId);
    expect(page.thread.status).toBe("solved");
    expect(page.solutions.map((p) => [p.id, p.accepted, p.verified])).toEqual([
      [second.postId, true, false],
      [first.postId, false, true],
    ]);
    expect(page.answers).toHaveLength(0);
  });

  it("refuses accepting in someone else's thread and verifying as a non-staff member", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(helper, threadId);
    await expect(markSolution(other, postId, "accepted")).rejects.toThrow(ForbiddenError);
    await expect(markSolution(asker, postId, "verified")).rejects.toThrow(ForbiddenError);
  });

  it("moves the accepted mark to another answer, and unmarking reopens the thread", async () => {
    const { threadId } = await makeThread(asker);
    const a = await makeAnswer(helper, threadId);
    const b = await makeAnswer(other, threadId);
    await markSolution(asker, a.postId, "accepted");
    await markSolution(asker, b.postId, "accepted");
    expect((await getThreadPage(VISITOR, threadId)).solutions.map((p) => p.id)).toEqual([b.postId]);
    await unmarkSolution(asker, b.postId, "accepted");
    const page = await getThreadPage(VISITOR, threadId);
    expect(page.thread.status).toBe("answered");
    expect(page.solutions).toHaveLength(0);
  });

  it("does not accept the question itself", async () => {
    const { questionPostId } = await makeThread(asker);
    await expect(markSolution(asker, questionPostId, "accepted")).rejects.toThrow(ValidationError);
  });
});

describe("editPost", () => {
  it("keeps every previous version with who replaced it", async () => {
    const { threadId, questionPostId } = await makeThread(asker, {
      title: "Original title of this question",
      body: "v1",
    });
    await editPost(asker, questionPostId, { title: "Better title of this question", body: "v2" });
    await editPost(staff, questionPostId, { title: "Better title of this question", body: "v3 **fixed**" });
    const page = await getThreadPage(VISITOR, threadId);
    expect(page.thread.title).toBe("Better title of this question");
    expect(page.question.bodyHtml).toContain("<strong>fixed</strong>");
    const history = await getPostHistory(VISITOR, questionPostId);
    expect(history.versions.map((v) => [v.number, v.bodyMarkdown, v.title, v.replacedBy])).toEqual([
      [3, "v3 **fixed**", "Better title of this question", null],
      [2, "v2", "Better title of this question", staff.username],
      [1, "v1", "Original title of this question", asker.username],
    ]);
  });

  it("refuses editing someone else's post and records nothing", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(helper, threadId);
    await expect(editPost(other, postId, { body: "vandalism" })).rejects.toThrow(ForbiddenError);
    expect(await scriptDb().select().from(postRevisions).where(eq(postRevisions.postId, postId))).toHaveLength(0);
  });
});

describe("listThreads", () => {
  it("filters unanswered / unresolved / solved and pages with a next-page flag", async () => {
    const open = await makeThread(asker, { title: "Unanswered question number one" });
    const answered = await makeThread(asker, { title: "Answered question number two" });
    const solved = await makeThread(asker, { title: "Solved question number three" });
    await makeAnswer(helper, answered.threadId);
    const { postId } = await makeAnswer(helper, solved.threadId);
    await markSolution(asker, postId, "accepted");
    const ids = async (filter: "all" | "unanswered" | "unresolved" | "solved") =>
      (await listThreads(VISITOR, { filter, sort: "newest", page: 1 }, 100)).threads.map((t) => t.id);
    expect(await ids("unanswered")).toContain(open.threadId);
    expect(await ids("unanswered")).not.toContain(answered.threadId);
    expect(await ids("unresolved")).toEqual(expect.arrayContaining([open.threadId, answered.threadId]));
    expect(await ids("unresolved")).not.toContain(solved.threadId);
    expect(await ids("solved")).toContain(solved.threadId);
    const firstPage = await listThreads(VISITOR, { filter: "all", sort: "newest", page: 1 }, 2);
    expect(firstPage.threads).toHaveLength(2);
    expect(firstPage.hasNextPage).toBe(true);
  });
});
