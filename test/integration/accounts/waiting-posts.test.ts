// What an account posts before its address is confirmed: it waits, reaching nobody (not the review
// queue, not a follow-up), and confirmation releases it through the normal path, into the review
// queue when a new member's post would be held. Time is moved with the clock.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { posts, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { ValidationError } from "~/lib/errors.server";
import { scriptDb, write } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { confirmEmail, issueEmailConfirmation } from "~/models/accounts/email-confirmation.server";
import { listReviewQueue } from "~/models/moderation/review.server";
import { escalateThread, openDueFollowUps, requestFollowUp } from "~/models/support/opening.server";
import { makeAnswer, makeThread, makeUser, holdNewMembers, stopHoldingNewMembers } from "../../fixtures/factories";

afterEach(async () => {
  setClock(null);
  await stopHoldingNewMembers();
});

async function unconfirmed(role: "member" | "customer") {
  const user = await makeUser(role);
  await scriptDb().update(users).set({ emailConfirmedAt: null }).where(eq(users.id, user.id));
  return user;
}
const stateOf = async (postId: number) => (await scriptDb().select().from(posts).where(eq(posts.id, postId)))[0];
const linkFor = async (user: Member) =>
  (
    await write(async (db) => {
      const row = (await db.select().from(users).where(eq(users.id, user.id)))[0];
      return issueEmailConfirmation(row);
    })
  ).token;

describe("waiting posts", () => {
  it("stay out of the review queue, then join it on confirmation when a new member's posts are held", async () => {
    await holdNewMembers();
    const staff = await makeUser("staff");
    const newcomer = await unconfirmed("member");
    const { questionPostId, threadId, waiting } = await makeThread(newcomer, {
      title: "A newcomer's waiting question",
    });
    expect(waiting).toBe(true);
    const { postId: answerId } = await makeAnswer(newcomer, threadId, "An answer of their own, waiting too.");
    expect(await stateOf(questionPostId)).toMatchObject({ moderationState: "waiting", reviewRequestedAt: null });
    expect(await stateOf(answerId)).toMatchObject({ moderationState: "waiting", reviewRequestedAt: null });
    const queued = async () => (await listReviewQueue(staff)).items.map((item) => item.id);
    expect(await queued()).not.toContain(questionPostId);

    const result = await confirmEmail(newcomer, await linkFor(newcomer));
    expect(result.released).toBe(2);
    expect(await stateOf(questionPostId)).toMatchObject({ moderationState: "held" });
    expect((await stateOf(questionPostId)).reviewRequestedAt).not.toBeNull();
    expect(await stateOf(answerId)).toMatchObject({ moderationState: "held" });
    expect(await queued()).toEqual(expect.arrayContaining([questionPostId, answerId]));
  });

  it("open no follow-up for a customer's waiting question, by the job, the customer or staff, until it is released", async () => {
    const customer = await unconfirmed("customer");
    const staff = await makeUser("staff");
    const asked = new Date(Date.now() - 60_000);
    setClock(asked);
    const { threadId } = await makeThread(customer, { title: "A customer's waiting question" });
    setClock(null);
    const dayLater = new Date(asked.getTime() + 25 * 3600_000);
    expect(await openDueFollowUps(dayLater)).toBe(0);
    await expect(requestFollowUp(customer, threadId)).rejects.toThrow();
    await expect(escalateThread(staff, threadId)).rejects.toThrow("That question does not exist.");

    await confirmEmail(customer, await linkFor(customer));
    expect(await openDueFollowUps(dayLater)).toBeGreaterThanOrEqual(1);
  });

  it("are released by a link used within 24 hours, and not by one used after", async () => {
    const start = new Date("2026-12-01T09:00:00Z");
    setClock(start);
    const late = await unconfirmed("member");
    const lateThread = await makeThread(late);
    const lateLink = await linkFor(late);
    setClock(new Date(start.getTime() + 24 * 3600_000));
    await expect(confirmEmail(late, lateLink)).rejects.toThrow(ValidationError);
    expect(await stateOf(lateThread.questionPostId)).toMatchObject({ moderationState: "waiting" });

    setClock(start);
    const prompt = await unconfirmed("member");
    const promptThread = await makeThread(prompt);
    const promptLink = await linkFor(prompt);
    setClock(new Date(start.getTime() + 24 * 3600_000 - 1000));
    await confirmEmail(prompt, promptLink);
    expect(await stateOf(promptThread.questionPostId)).toMatchObject({ moderationState: "visible" });
    // Used once.
    await expect(confirmEmail(prompt, promptLink)).rejects.toThrow("already been used");
  });
});
