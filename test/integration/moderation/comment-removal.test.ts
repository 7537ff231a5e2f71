// Staff remove an imported comment and restore it: who may, who still sees it (and how it is marked),
// what the post's count and its first 30 become, the audit entries (never the text), bad input.
import { and, desc, eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, postComments, users } from "../../../db/schema";
import { firstRow, scriptDb, write } from "~/lib/db.server";
import { ForbiddenError, NotFoundError } from "~/lib/errors.server";
import { VISITOR, type Actor, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { COMMENTS_SHOWN_PER_POST } from "~/models/community/rules";
import { removeComment, restoreComment } from "~/models/moderation/comments.server";
import { listAuditLog } from "~/models/shared/audit.server";
import { makeUser } from "../../fixtures/factories";
import { fieldErrorsOf } from "../../fixtures/errors";
import { addComments, importedAnswer, importedThread, importedUser } from "../../fixtures/imported";

const SITE = "comments.stackexchange.example";
const PHONE = "call me on 555 0199";
let staff: Member;
let admin: Member;
let member: Member;
let customer: Member;
let suspendedStaff: Member;
let asker: Member;
let helper: Member;
let sourceId = 9000;

beforeAll(async () => {
  [staff, admin, member, customer] = [
    await makeUser("staff"),
    await makeUser("admin"),
    await makeUser("member"),
    await makeUser("customer"),
  ];
  suspendedStaff = await makeUser("staff");
  const until = new Date(Date.now() + 7 * 86_400_000);
  await write((db) => db.update(users).set({ suspendedUntil: until }).where(eq(users.id, suspendedStaff.id)));
  suspendedStaff = { ...suspendedStaff, suspendedUntil: until };
  asker = await importedUser(SITE, 1);
  helper = await importedUser(SITE, 2);
});
beforeEach(() => resetAllLimits());

/** An imported thread whose question has `count` comments (the second one holds PHONE), and its ids. */
async function threadWithComments(count = 3) {
  sourceId += 10;
  const thread = await importedThread(asker, SITE, sourceId);
  const answerId = await importedAnswer(helper, thread.threadId, SITE, sourceId + 1);
  await addComments(
    thread.questionId,
    Array.from({ length: count }, (_, i) => ({ author: helper, body: i === 1 ? PHONE : `comment ${i}` })),
  );
  await addComments(answerId, [{ author: asker, body: "A comment under the answer." }]);
  const ids = (
    await scriptDb()
      .select({ id: postComments.id })
      .from(postComments)
      .where(eq(postComments.postId, thread.questionId))
      .orderBy(postComments.createdAt)
  ).map((row) => row.id);
  const [answerCommentId] = (
    await scriptDb().select({ id: postComments.id }).from(postComments).where(eq(postComments.postId, answerId))
  ).map((row) => row.id);
  return { ...thread, answerId, commentIds: ids, answerCommentId };
}

const commentsSeenBy = async (actor: Actor, threadId: number) =>
  (await getThreadPage(actor, threadId)).question.comments;
const auditOf = async (postId: number) =>
  scriptDb()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, "post"), eq(auditLog.subjectId, postId)))
    .orderBy(desc(auditLog.id));

describe("removeComment", () => {
  it("takes a comment away from visitors, members and customers, and out of the post's count", async () => {
    const { threadId, questionId, commentIds } = await threadWithComments();
    const result = await removeComment(staff, threadId, {
      postId: String(questionId),
      commentId: String(commentIds[1]),
      reason: "Personal data",
    });
    expect(result).toMatchObject({ changed: true });
    for (const reader of [VISITOR, member, customer]) {
      const comments = await commentsSeenBy(reader, threadId);
      expect(comments?.total).toBe(2);
      expect(comments?.shown.map((comment) => comment.id)).toEqual([commentIds[0], commentIds[2]]);
      expect(JSON.stringify(await getThreadPage(reader, threadId))).not.toContain("555 0199");
    }
  });

  it("leaves it to staff, marked with who removed it, when and why", async () => {
    const { threadId, questionId, commentIds } = await threadWithComments();
    await removeComment(staff, threadId, {
      postId: String(questionId),
      commentId: String(commentIds[1]),
      reason: "  Personal data  ",
    });
    for (const reader of [staff, admin, suspendedStaff]) {
      const comments = await commentsSeenBy(reader, threadId);
      expect(comments?.total).toBe(3);
      const removed = comments?.shown.find((comment) => comment.id === commentIds[1]);
      expect(removed?.bodyHtml).toContain("555 0199");
      expect(removed?.removal).toMatchObject({ by: staff.username, reason: "Personal data" });
      expect(removed?.removal?.at).toBeInstanceOf(Date);
      expect(comments?.shown.find((comment) => comment.id === commentIds[0])?.removal).toBeUndefined();
    }
  });

  it(`keeps ${COMMENTS_SHOWN_PER_POST} shown and the count of the rest right when a first comment is removed`, async () => {
    const { threadId, questionId, commentIds } = await threadWithComments(COMMENTS_SHOWN_PER_POST + 2);
    await removeComment(staff, threadId, { postId: String(questionId), commentId: String(commentIds[1]) });
    const seen = (await commentsSeenBy(VISITOR, threadId))!;
    // The comment after the first 30 moves up: 30 shown, 1 more on the source.
    expect(seen.shown).toHaveLength(COMMENTS_SHOWN_PER_POST);
    expect(seen.shown.at(-1)?.id).toBe(commentIds[COMMENTS_SHOWN_PER_POST]);
    expect(seen.total - seen.shown.length).toBe(1);
    const forStaff = (await commentsSeenBy(staff, threadId))!;
    expect(forStaff.shown).toHaveLength(COMMENTS_SHOWN_PER_POST);
    expect(forStaff.shown[1].removal).toBeDefined();
    expect(forStaff.total - forStaff.shown.length).toBe(2);
  });

  it("writes one audit entry naming the post, with the reason and never the comment's text", async () => {
    const { threadId, questionId, commentIds } = await threadWithComments();
    const input = { postId: String(questionId), commentId: String(commentIds[1]), reason: "Personal data" };
    await removeComment(staff, threadId, input);
    // Removing it again changes nothing and logs nothing.
    expect(await removeComment(staff, threadId, input)).toMatchObject({ changed: false });
    const entries = await auditOf(questionId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "comment.remove",
      actorId: staff.id,
      reason: "Personal data",
      before: { comment: commentIds[1], removed: false },
      after: { comment: commentIds[1], removed: true },
    });
    expect(entries[0].subjectLabel).toContain("Question by");
    expect(JSON.stringify(entries)).not.toContain("555");
    const { entries: listed } = await listAuditLog(staff, { action: "comment.remove", page: 1 });
    expect(listed.map((entry) => entry.subjectId)).toContain(questionId);
  });

  it("is for staff who are not suspended", async () => {
    const { threadId, questionId, commentIds } = await threadWithComments();
    const input = { postId: String(questionId), commentId: String(commentIds[0]) };
    for (const actor of [VISITOR, member, customer, suspendedStaff]) {
      await expect(removeComment(actor, threadId, input)).rejects.toThrow(ForbiddenError);
    }
    expect((await commentsSeenBy(VISITOR, threadId))?.total).toBe(3);
    expect(await removeComment(admin, threadId, input)).toMatchObject({ changed: true });
  });

  it("refuses a bad reason or id with a message, and a comment of another post or thread, or none, with a 404", async () => {
    const { threadId, questionId, answerId, commentIds, answerCommentId } = await threadWithComments();
    const other = await threadWithComments();
    const target = { postId: String(questionId), commentId: String(commentIds[0]) };
    expect(await fieldErrorsOf(() => removeComment(staff, threadId, { ...target, reason: "x".repeat(501) }))).toEqual({
      reason: "Keep the reason under 500 characters.",
    });
    for (const commentId of ["abc", "", "1.5", "-3", "99999999999"]) {
      expect(await fieldErrorsOf(() => removeComment(staff, threadId, { ...target, commentId }))).toEqual({
        commentId: "Choose a comment.",
      });
    }
    for (const input of [
      // A comment of the answer, named as the question's.
      { postId: String(questionId), commentId: String(answerCommentId) },
      // Another thread's comment, with its own post, on this thread's page.
      { postId: String(other.questionId), commentId: String(other.commentIds[0]) },
      { postId: String(answerId), commentId: "2147483647" },
      { postId: "2147483647", commentId: String(commentIds[0]) },
    ]) {
      await expect(removeComment(staff, threadId, input)).rejects.toThrow(NotFoundError);
    }
    expect((await commentsSeenBy(VISITOR, threadId))?.total).toBe(3);
    expect((await commentsSeenBy(VISITOR, other.threadId))?.total).toBe(3);
    expect(await auditOf(questionId)).toEqual([]);
  });
});

describe("restoreComment", () => {
  it("puts a removed comment back for everyone, clears its removal and logs it", async () => {
    const { threadId, questionId, commentIds } = await threadWithComments();
    const input = { postId: String(questionId), commentId: String(commentIds[1]) };
    await removeComment(staff, threadId, { ...input, reason: "Looked like spam" });
    await expect(restoreComment(member, threadId, input)).rejects.toThrow(ForbiddenError);
    expect(await restoreComment(admin, threadId, input)).toMatchObject({ changed: true });
    expect(await restoreComment(admin, threadId, input)).toMatchObject({ changed: false });
    const comments = await commentsSeenBy(VISITOR, threadId);
    expect(comments?.total).toBe(3);
    expect(comments?.shown[1].bodyHtml).toContain("555 0199");
    expect((await commentsSeenBy(staff, threadId))?.shown[1].removal).toBeUndefined();
    const row = firstRow(await scriptDb().select().from(postComments).where(eq(postComments.id, commentIds[1])))!;
    expect(row).toMatchObject({ removedAt: null, removedById: null, removalReason: null });
    expect((await auditOf(questionId)).map((entry) => [entry.action, entry.actorId])).toEqual([
      ["comment.restore", admin.id],
      ["comment.remove", staff.id],
    ]);
  });
});
