// Suggested edits: proposed by those who may not edit a post, decided by staff (issue 16).
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { auditLog, notifications, postRevisions, posts, threads } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { ConflictError, ForbiddenError, ValidationError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { editPost } from "~/models/community/posts.server";
import {
  decideSuggestedEdit,
  getPostEditor,
  listSuggestedEdits,
  suggestEdit,
} from "~/models/community/suggested-edits.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

let asker: Member;
let helper: Member;
let suggester: Member;
let staff: Member;

beforeEach(async () => {
  asker = await makeUser("customer");
  helper = await makeUser("customer");
  suggester = await makeUser("customer");
  staff = await makeUser("staff");
  await resetAllLimits();
});

const errorOf = (work: Promise<unknown>) =>
  work.then(
    () => null,
    (error: unknown) => error,
  );

/** Suggests as the editor page would: from the version it loaded. */
async function suggest(person: Member, postId: number, values: Record<string, string>) {
  const { base } = await getPostEditor(person, postId);
  return suggestEdit(person, postId, { ...values, base: String(base) });
}

async function postText(postId: number) {
  const [row] = await scriptDb().select({ body: posts.bodyMarkdown }).from(posts).where(eq(posts.id, postId));
  return row.body;
}

describe("suggesting", () => {
  it("opens the editor in suggestion mode to others, and in edit mode to the author and staff", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(helper, threadId);
    expect((await getPostEditor(suggester, postId)).mode).toBe("suggest");
    expect((await getPostEditor(helper, postId)).mode).toBe("edit");
    expect((await getPostEditor(staff, postId)).mode).toBe("edit");
    // Suggesting is not editing: the edit itself stays refused.
    expect(await errorOf(editPost(suggester, postId, { body: "Mine now." }))).toBeInstanceOf(ForbiddenError);
  });

  it("keeps one suggestion waiting per post, refuses an unchanged text and asks what changed", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(helper, threadId, "Use the 2.4 GHz band.");
    const unchanged = await errorOf(suggest(suggester, postId, { body: "Use the 2.4 GHz band.", summary: "Nothing" }));
    expect((unchanged as ValidationError).fieldErrors).toEqual({ body: "Change something before you send the edit." });
    const noSummary = await errorOf(suggest(suggester, postId, { body: "Use the 2.4 GHz band only." }));
    expect((noSummary as ValidationError).fieldErrors.summary).toBe("Say what you changed.");
    await suggest(suggester, postId, { body: "Use the 2.4 GHz band only.", summary: "Made it clearer" });
    const other = await makeUser("customer");
    expect(await errorOf(suggest(other, postId, { body: "Something else.", summary: "Rewrote it" }))).toBeInstanceOf(
      ConflictError,
    );
    expect((await getPostEditor(other, postId)).pending).toBe(true);
    // The post is unchanged until staff decide.
    expect(await postText(postId)).toBe("Use the 2.4 GHz band.");
  });
});

describe("a suggestion from an older text", () => {
  it("is refused when the post changed after the editor loaded it, so an author's correction is never undone", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(helper, threadId, "Do step 1, then step 2.");
    const { base } = await getPostEditor(suggester, postId);
    await resetAllLimits();
    await editPost(helper, postId, { body: "Do step 1. Do NOT do step 2: it resets the hub." });
    const refused = await errorOf(
      suggestEdit(suggester, postId, {
        body: "Do step 1, then step two.",
        summary: "Spelled out two",
        base: String(base),
      }),
    );
    expect(refused).toBeInstanceOf(ConflictError);
    expect((await listSuggestedEdits(staff, 1)).edits.filter((edit) => edit.postId === postId)).toEqual([]);
    expect(await postText(postId)).toBe("Do step 1. Do NOT do step 2: it resets the hub.");
  });

  it("leaves no declined title in the audit log", async () => {
    const { questionPostId } = await makeThread(asker, { title: "Hub will not pair" });
    await suggest(suggester, questionPostId, {
      title: "Call Jonas at 555-0199 about the hub",
      body: "It blinks **blue** and never connects.",
      summary: "Added a phone number",
    });
    const [waiting] = (await listSuggestedEdits(staff, 1)).edits.filter((edit) => edit.postId === questionPostId);
    await decideSuggestedEdit(staff, waiting.id, { decision: "reject", reason: "No personal data, please." });
    const [entry] = await scriptDb()
      .select({ label: auditLog.subjectLabel })
      .from(auditLog)
      .where(and(eq(auditLog.action, "post.suggested-edit.reject"), eq(auditLog.subjectId, questionPostId)));
    expect(entry.label).toBe('Question in "Hub will not pair"');
  });
});

describe("deciding", () => {
  it("applies an approved edit as its suggester's, in the history, logs it and tells the suggester", async () => {
    const { threadId, questionPostId } = await makeThread(asker, { title: "Hub will not join Wi-Fi" });
    await suggest(suggester, questionPostId, {
      title: "Hub will not join my Wi-Fi network",
      body: "It blinks **blue** and never connects to the network.",
      summary: "Clearer title and body",
    });
    const [waiting] = (await listSuggestedEdits(staff, 1)).edits.filter((edit) => edit.postId === questionPostId);
    expect(waiting).toMatchObject({
      suggester: suggester.username,
      suggestedTitle: "Hub will not join my Wi-Fi network",
      stale: false,
    });
    expect(await decideSuggestedEdit(staff, waiting.id, { decision: "approve" })).toMatchObject({
      decision: "approve",
    });
    expect(await postText(questionPostId)).toBe("It blinks **blue** and never connects to the network.");
    const [thread] = await scriptDb().select({ title: threads.title }).from(threads).where(eq(threads.id, threadId));
    expect(thread.title).toBe("Hub will not join my Wi-Fi network");
    const [revision] = await scriptDb().select().from(postRevisions).where(eq(postRevisions.postId, questionPostId));
    expect(revision).toMatchObject({ editorId: suggester.id, previousTitle: "Hub will not join Wi-Fi" });
    const [entry] = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "post.suggested-edit.approve"), eq(auditLog.subjectId, questionPostId)));
    expect(entry.actorId).toBe(staff.id);
    const [told] = await scriptDb().select().from(notifications).where(eq(notifications.userId, suggester.id));
    expect(told.title).toBe('Your edit of "Hub will not join my Wi-Fi network" was approved');
    // Decided once: a second decision is refused.
    expect(
      await errorOf(decideSuggestedEdit(staff, waiting.id, { decision: "reject", reason: "Changed my mind" })),
    ).toBeInstanceOf(ConflictError);
  });

  it("declines with a reason the suggester reads, and refuses to approve over a later edit", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(helper, threadId, "Restart the hub.");
    await suggest(suggester, postId, { body: "Restart the hub twice.", summary: "Twice works better" });
    const [first] = (await listSuggestedEdits(staff, 1)).edits.filter((edit) => edit.postId === postId);
    const noReason = await errorOf(decideSuggestedEdit(staff, first.id, { decision: "reject" }));
    expect((noReason as ValidationError).fieldErrors.reason).toBe("Say why, for the person who suggested it.");
    await decideSuggestedEdit(staff, first.id, { decision: "reject", reason: "Once is enough." });
    expect(await postText(postId)).toBe("Restart the hub.");
    const [told] = await scriptDb().select().from(notifications).where(eq(notifications.userId, suggester.id));
    expect(told.title).toContain("was declined");

    await suggest(suggester, postId, { body: "Restart the hub, then wait.", summary: "Added waiting" });
    await resetAllLimits();
    await editPost(helper, postId, { body: "Restart the hub and the router." });
    const [second] = (await listSuggestedEdits(staff, 1)).edits.filter((edit) => edit.postId === postId);
    expect(second.stale).toBe(true);
    expect(await errorOf(decideSuggestedEdit(staff, second.id, { decision: "approve" }))).toBeInstanceOf(ConflictError);
    expect(await postText(postId)).toBe("Restart the hub and the router.");
    expect(await errorOf(listSuggestedEdits(suggester, 1))).toBeInstanceOf(ForbiddenError);
    expect(await errorOf(decideSuggestedEdit(suggester, second.id, { decision: "approve" }))).toBeInstanceOf(
      ForbiddenError,
    );
  });
});
