import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { postRevisions } from "../../../db/schema";
import { getDb } from "~/lib/db.server";
import { ForbiddenError, NotFoundError, RateLimitError, ValidationError } from "~/lib/errors.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { editPost, getPostHistory, postAnswer } from "~/models/community/posts.server";
import { markSolution, unmarkSolution } from "~/models/community/solutions.server";
import { getTag } from "~/models/community/tags.server";
import { askQuestion, listThreads } from "~/models/community/threads.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { slugify } from "~/models/community/post-input";
import { castVote } from "~/models/community/votes.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

let asker: Member;
let helper: Member;
let other: Member;
let staff: Member;

beforeEach(async () => {
  asker = await makeUser("customer");
  helper = await makeUser("member");
  other = await makeUser("member");
  staff = await makeUser("staff");
});

const fieldErrorsOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return error.fieldErrors;
    throw error;
  }
  throw new Error("expected a ValidationError");
};

describe("askQuestion", () => {
  it("creates a thread with its question post, tags and a slug", () => {
    const { threadId, slug } = makeThread(asker, {
      title: "Hub blinks red after the 4.2 update",
      tags: "firmware, wifi",
    });
    expect(slug).toBe("hub-blinks-red-after-the-4-2-update");
    const page = getThreadPage(VISITOR, threadId);
    expect(page.thread.title).toBe("Hub blinks red after the 4.2 update");
    expect(page.thread.tags).toEqual(["firmware", "wifi"]);
    expect(page.thread.status).toBe("open");
    expect(page.question.bodyHtml).toContain("<strong>blue</strong>");
    expect(getTag(VISITOR, "firmware").threadCount).toBeGreaterThanOrEqual(1);
  });

  it("refuses visitors", () => {
    expect(() => makeThread(VISITOR as unknown as Member)).toThrow(ForbiddenError);
  });

  it("explains each bad field: empty title, huge body, unknown tag, too many tags", () => {
    makeThread(asker); // creates the vocabulary
    expect(fieldErrorsOf(() => askQuestion(asker, { title: "", body: "x", category: "general" }))).toMatchObject({
      title: expect.stringContaining("at least 10"),
    });
    expect(
      fieldErrorsOf(() =>
        askQuestion(asker, { title: "A perfectly fine title", body: "x".repeat(32_001), category: "general" }),
      ),
    ).toMatchObject({ body: expect.stringContaining("32,000") });
    expect(
      fieldErrorsOf(() =>
        askQuestion(asker, {
          title: "A perfectly fine title",
          body: "ok",
          category: "general",
          tags: "wifi, unicorns",
        }),
      ),
    ).toEqual({ tags: expect.stringContaining("unicorns") });
    expect(
      fieldErrorsOf(() =>
        askQuestion(asker, { title: "A perfectly fine title", body: "ok", category: "general", tags: "a,b,c,d,e,f" }),
      ),
    ).toEqual({ tags: "Use at most 5 tags." });
    expect(
      fieldErrorsOf(() => askQuestion(asker, { title: "A perfectly fine title", body: "ok", category: "nope" })),
    ).toEqual({ category: "Choose one of the listed categories." });
    expect(fieldErrorsOf(() => askQuestion(asker, { body: "ok" }))).toEqual({
      title: "This field is required.",
      category: "Choose a category.",
    });
  });

  it("rate-limits a burst of questions from one person", () => {
    makeThread(asker);
    resetAllLimits();
    const ask = () => askQuestion(asker, { title: "Yet another question here", body: "body", category: "general" });
    for (let i = 0; i < 10; i++) ask();
    expect(ask).toThrow(RateLimitError);
  });

  it("makes URL slugs from any title", () => {
    expect(slugify("Ünïcödé & spaces — “quotes”!")).toBe("unicode-spaces-quotes");
    expect(slugify("???")).toBe("question");
  });
});

describe("postAnswer", () => {
  it("counts the answer, moves last activity and marks the thread answered", () => {
    const { threadId } = makeThread(asker);
    const before = getThreadPage(VISITOR, threadId).thread.lastActivityAt;
    makeAnswer(helper, threadId);
    const page = getThreadPage(VISITOR, threadId);
    expect(page.thread.answerCount).toBe(1);
    expect(page.thread.status).toBe("answered");
    expect(page.answers).toHaveLength(1);
    expect(page.thread.lastActivityAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it("refuses an empty answer and a missing thread", () => {
    const { threadId } = makeThread(asker);
    expect(fieldErrorsOf(() => postAnswer(helper, threadId, { body: "   " }))).toEqual({
      body: "Write something first.",
    });
    expect(() => postAnswer(helper, 999_999, { body: "hello" })).toThrow(NotFoundError);
  });
});

describe("castVote", () => {
  it("counts one vote per user, lets it change and be removed", () => {
    const { threadId } = makeThread(asker);
    const { postId } = makeAnswer(helper, threadId);
    expect(castVote(other, postId, { value: "1" })).toEqual({ score: 1, myVote: 1 });
    expect(() => castVote(other, postId, { value: "1" })).toThrow("You have already upvoted this post.");
    expect(castVote(asker, postId, { value: "1" }).score).toBe(2);
    expect(castVote(other, postId, { value: "-1" })).toEqual({ score: 0, myVote: -1 });
    expect(castVote(other, postId, { value: "0" })).toEqual({ score: 1, myVote: 0 });
  });

  it("refuses a vote on one's own post and an invalid value", () => {
    const { threadId } = makeThread(asker);
    const { postId } = makeAnswer(helper, threadId);
    expect(() => castVote(helper, postId, { value: "1" })).toThrow(ForbiddenError);
    expect(fieldErrorsOf(() => castVote(other, postId, { value: "5" }))).toHaveProperty("value");
  });

  it("keeps the thread's score equal to its question's score", () => {
    const { threadId, questionPostId } = makeThread(asker);
    castVote(helper, questionPostId, { value: "1" });
    castVote(other, questionPostId, { value: "1" });
    const top = listThreads(VISITOR, { filter: "all", sort: "top", page: 1 }).threads.find((t) => t.id === threadId);
    expect(top?.score).toBe(2);
  });
});

describe("solutions", () => {
  it("lets the asker accept and staff verify; both head the thread", () => {
    const { threadId } = makeThread(asker);
    const first = makeAnswer(helper, threadId, "first");
    const second = makeAnswer(other, threadId, "second");
    castVote(asker, first.postId, { value: "1" });
    markSolution(asker, second.postId, "accepted");
    markSolution(staff, first.postId, "verified");
    const page = getThreadPage(VISITOR, threadId);
    expect(page.thread.status).toBe("solved");
    expect(page.solutions.map((p) => [p.id, p.accepted, p.verified])).toEqual([
      [second.postId, true, false],
      [first.postId, false, true],
    ]);
    expect(page.answers).toHaveLength(0);
  });

  it("refuses accepting in someone else's thread and verifying as a non-staff member", () => {
    const { threadId } = makeThread(asker);
    const { postId } = makeAnswer(helper, threadId);
    expect(() => markSolution(other, postId, "accepted")).toThrow(ForbiddenError);
    expect(() => markSolution(asker, postId, "verified")).toThrow(ForbiddenError);
  });

  it("moves the accepted mark to another answer, and unmarking reopens the thread", () => {
    const { threadId } = makeThread(asker);
    const a = makeAnswer(helper, threadId);
    const b = makeAnswer(other, threadId);
    markSolution(asker, a.postId, "accepted");
    markSolution(asker, b.postId, "accepted");
    expect(getThreadPage(VISITOR, threadId).solutions.map((p) => p.id)).toEqual([b.postId]);
    unmarkSolution(asker, b.postId, "accepted");
    const page = getThreadPage(VISITOR, threadId);
    expect(page.thread.status).toBe("answered");
    expect(page.solutions).toHaveLength(0);
  });

  it("does not accept the question itself", () => {
    const { questionPostId } = makeThread(asker);
    expect(() => markSolution(asker, questionPostId, "accepted")).toThrow(ValidationError);
  });
});

describe("editPost", () => {
  it("keeps every previous version with who replaced it", () => {
    const { threadId, questionPostId } = makeThread(asker, { title: "Original title of this question", body: "v1" });
    editPost(asker, questionPostId, { title: "Better title of this question", body: "v2" });
    editPost(staff, questionPostId, { title: "Better title of this question", body: "v3 **fixed**" });
    const page = getThreadPage(VISITOR, threadId);
    expect(page.thread.title).toBe("Better title of this question");
    expect(page.question.bodyHtml).toContain("<strong>fixed</strong>");
    const history = getPostHistory(VISITOR, questionPostId);
    expect(history.versions.map((v) => [v.number, v.bodyMarkdown, v.title, v.replacedBy])).toEqual([
      [3, "v3 **fixed**", "Better title of this question", null],
      [2, "v2", "Better title of this question", staff.username],
      [1, "v1", "Original title of this question", asker.username],
    ]);
  });

  it("refuses editing someone else's post and records nothing", () => {
    const { threadId } = makeThread(asker);
    const { postId } = makeAnswer(helper, threadId);
    expect(() => editPost(other, postId, { body: "vandalism" })).toThrow(ForbiddenError);
    expect(getDb().select().from(postRevisions).where(eq(postRevisions.postId, postId)).all()).toHaveLength(0);
  });
});

describe("listThreads", () => {
  it("filters unanswered / unresolved / solved and pages with a next-page flag", () => {
    const open = makeThread(asker, { title: "Unanswered question number one" });
    const answered = makeThread(asker, { title: "Answered question number two" });
    const solved = makeThread(asker, { title: "Solved question number three" });
    makeAnswer(helper, answered.threadId);
    const { postId } = makeAnswer(helper, solved.threadId);
    markSolution(asker, postId, "accepted");
    const ids = (filter: "all" | "unanswered" | "unresolved" | "solved") =>
      listThreads(VISITOR, { filter, sort: "newest", page: 1 }, 100).threads.map((t) => t.id);
    expect(ids("unanswered")).toContain(open.threadId);
    expect(ids("unanswered")).not.toContain(answered.threadId);
    expect(ids("unresolved")).toEqual(expect.arrayContaining([open.threadId, answered.threadId]));
    expect(ids("unresolved")).not.toContain(solved.threadId);
    expect(ids("solved")).toContain(solved.threadId);
    const firstPage = listThreads(VISITOR, { filter: "all", sort: "newest", page: 1 }, 2);
    expect(firstPage.threads).toHaveLength(2);
    expect(firstPage.hasNextPage).toBe(true);
  });
});
