// Reputation: every rule and its reversal, the daily cap, settings, and the rebuild (issue 16).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reputationEvents, reputationSettings, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { read, scriptDb, write } from "~/lib/db.server";
import { ForbiddenError, ValidationError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { TRUST } from "~/lib/trust-levels";
import { markSolution, unmarkSolution } from "~/models/community/solutions.server";
import { castVote } from "~/models/community/votes.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { decideOnPost } from "~/models/moderation/review.server";
import { rebuildReputation } from "~/models/reputation/ledger.server";
import { balanceOn } from "~/models/rewards/points.server";
import { getReputationSettings, updateReputationSettings } from "~/models/reputation/settings.server";
import { subscribe } from "~/models/shared/events.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

let asker: Member;
let helper: Member;
let voter: Member;
let staff: Member;
let admin: Member;

beforeEach(async () => {
  // Customers and staff post without review, so their posts take votes at once.
  asker = await makeUser("customer");
  helper = await makeUser("customer");
  // At the member trust level, which votes posts down.
  voter = await makeUser("customer", { trustLevel: TRUST.member });
  staff = await makeUser("staff");
  admin = await makeUser("admin");
});

afterEach(async () => {
  setClock(null);
  await write((db) => db.delete(reputationSettings));
});

async function reputationOf(person: Member) {
  const [row] = await scriptDb().select({ total: users.reputation }).from(users).where(eq(users.id, person.id));
  return Number(row.total);
}

async function vote(person: Member, postId: number, value: 1 | -1 | 0) {
  await resetAllLimits();
  return castVote(person, postId, { value: String(value) });
}

async function threadWithAnswer() {
  const { threadId, questionPostId: questionId } = await makeThread(asker);
  const { postId: answerId } = await makeAnswer(helper, threadId);
  return { threadId, questionId, answerId };
}

describe("votes", () => {
  it("an upvote earns an answer's author 10 and a question's author 5; withdrawing it takes them back", async () => {
    const { questionId, answerId } = await threadWithAnswer();
    await vote(voter, answerId, 1);
    await vote(voter, questionId, 1);
    expect(await reputationOf(helper)).toBe(10);
    expect(await reputationOf(asker)).toBe(5);
    expect(await reputationOf(voter)).toBe(0);
    await vote(voter, answerId, 0);
    expect(await reputationOf(helper)).toBe(0);
    const events = await scriptDb().select().from(reputationEvents).where(eq(reputationEvents.postId, answerId));
    expect(events).toEqual([expect.objectContaining({ reason: "upvote", points: 10, reversal: "unvoted" })]);
    expect(events[0].reversedAt).not.toBeNull();
  });

  it("a downvote costs the author 2 and, on an answer, the voter 1; turning it into an upvote reverses both", async () => {
    const { questionId, answerId } = await threadWithAnswer();
    await vote(voter, answerId, -1);
    expect([await reputationOf(helper), await reputationOf(voter)]).toEqual([-2, -1]);
    await vote(voter, questionId, -1);
    // Voting a question down costs the voter nothing.
    expect([await reputationOf(asker), await reputationOf(voter)]).toEqual([-2, -1]);
    await vote(voter, answerId, 1);
    expect([await reputationOf(helper), await reputationOf(voter)]).toEqual([10, 0]);
  });

  it("caps what upvotes earn a person in one UTC day, and starts again the next day", async () => {
    await updateReputationSettings(admin, { ...(await getReputationSettings()), dailyVoteCap: 25 });
    setClock(new Date("2026-11-30T10:00:00Z"));
    const { threadId } = await makeThread(asker);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await makeAnswer(helper, threadId, `Answer number ${i} here.`)).postId);
    const voters = [voter, staff, admin];
    for (const [i, person] of voters.entries()) await vote(person, answers[i], 1);
    expect(await reputationOf(helper)).toBe(25);
    const capped = await scriptDb()
      .select({ points: reputationEvents.points })
      .from(reputationEvents)
      .where(eq(reputationEvents.postId, answers[2]));
    expect(capped).toEqual([{ points: 5 }]);
    setClock(new Date("2026-12-01T00:00:01Z"));
    await vote(voter, answers[3], 1);
    expect(await reputationOf(helper)).toBe(35);
  });
});

describe("solutions", () => {
  it("an accepted answer earns its author 15 and the asker 2; moving it moves the 15; unaccepting takes all back", async () => {
    const { threadId, answerId } = await threadWithAnswer();
    const other = await makeUser("customer");
    const { postId: secondId } = await makeAnswer(other, threadId, "Restart the router first.");
    await resetAllLimits();
    await markSolution(asker, answerId, "accepted");
    expect([await reputationOf(helper), await reputationOf(asker)]).toEqual([15, 2]);
    await resetAllLimits();
    await markSolution(asker, answerId, "accepted");
    expect([await reputationOf(helper), await reputationOf(asker)]).toEqual([15, 2]);
    await resetAllLimits();
    await markSolution(asker, secondId, "accepted");
    expect([await reputationOf(helper), await reputationOf(other), await reputationOf(asker)]).toEqual([0, 15, 2]);
    await resetAllLimits();
    await unmarkSolution(asker, secondId, "accepted");
    expect([await reputationOf(other), await reputationOf(asker)]).toEqual([0, 0]);
  });

  it("a staff-verified solution earns its author 25, and nothing when staff verify their own answer", async () => {
    const { threadId, answerId } = await threadWithAnswer();
    await resetAllLimits();
    await markSolution(staff, answerId, "verified");
    expect(await reputationOf(helper)).toBe(25);
    await resetAllLimits();
    await unmarkSolution(staff, answerId, "verified");
    expect(await reputationOf(helper)).toBe(0);
    const { postId: staffAnswer } = await makeAnswer(staff, threadId, "Staff here: reset the hub.");
    await resetAllLimits();
    await markSolution(staff, staffAnswer, "verified");
    expect(await reputationOf(staff)).toBe(0);
  });

  it("accepting one's own answer earns nothing", async () => {
    const { threadId } = await makeThread(asker);
    const { postId } = await makeAnswer(asker, threadId, "Found it myself: it was the band.");
    await resetAllLimits();
    await markSolution(asker, postId, "accepted");
    expect(await reputationOf(asker)).toBe(0);
  });
});

describe("moderation", () => {
  it("hiding or deleting a post takes its points out of everyone's total, and restoring it gives them back", async () => {
    const { answerId } = await threadWithAnswer();
    await vote(voter, answerId, -1);
    await vote(staff, answerId, 1);
    expect([await reputationOf(helper), await reputationOf(voter)]).toEqual([8, -1]);
    await decideOnPost(staff, answerId, { decision: "hide", reason: "Checking it" });
    expect([await reputationOf(helper), await reputationOf(voter)]).toEqual([0, 0]);
    await decideOnPost(staff, answerId, { decision: "restore" });
    expect([await reputationOf(helper), await reputationOf(voter)]).toEqual([8, -1]);
    await decideOnPost(staff, answerId, { decision: "delete", reason: "Spam" });
    expect(await reputationOf(helper)).toBe(0);
  });

  it("hiding a question takes the points of every post in its thread", async () => {
    const { questionId, answerId } = await threadWithAnswer();
    await vote(voter, questionId, 1);
    await vote(voter, answerId, 1);
    await resetAllLimits();
    await markSolution(asker, answerId, "accepted");
    expect([await reputationOf(asker), await reputationOf(helper)]).toEqual([7, 25]);
    await decideOnPost(staff, questionId, { decision: "hide", reason: "Off topic" });
    expect([await reputationOf(asker), await reputationOf(helper)]).toEqual([0, 0]);
    await decideOnPost(staff, questionId, { decision: "restore" });
    expect([await reputationOf(asker), await reputationOf(helper)]).toEqual([7, 25]);
  });
});

describe("knowledge-base articles", () => {
  it("an article published from a thread earns its asker 25 once; removing it takes them back", async () => {
    const { threadId } = await threadWithAnswer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kb-"));
    const article = (slug: string, audience = "customers") =>
      `---\ntitle: Joining Wi-Fi ${slug}\nsummary: How to join.\ncategory: General\naudience: ${audience}\nupdated: 2026-11-30\nsource: https://support.example/questions/${threadId}/the-hub\n---\nUse the 2.4 GHz band.\n`;
    fs.writeFileSync(path.join(dir, "joining.md"), article("a"));
    fs.writeFileSync(path.join(dir, "joining-again.md"), article("b"));
    await syncKnowledgeBase(dir);
    expect(await reputationOf(asker)).toBe(25);
    await syncKnowledgeBase(dir);
    expect(await reputationOf(asker)).toBe(25);
    fs.rmSync(path.join(dir, "joining.md"));
    await syncKnowledgeBase(dir);
    expect(await reputationOf(asker)).toBe(25);
    // An article for staff alone is not published to the people the company serves.
    fs.writeFileSync(path.join(dir, "joining-again.md"), article("b", "staff"));
    await syncKnowledgeBase(dir);
    expect(await reputationOf(asker)).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("settings", () => {
  it("admins change the values earned from then on; past events keep theirs", async () => {
    const { answerId } = await threadWithAnswer();
    await vote(voter, answerId, 1);
    await updateReputationSettings(admin, { ...(await getReputationSettings()), upvoteAnswer: 7 });
    await vote(staff, answerId, 1);
    expect(await reputationOf(helper)).toBe(17);
  });

  it("refuses anyone but an admin, and values that are not whole numbers in range, saving nothing", async () => {
    await expect(updateReputationSettings(staff, await getReputationSettings())).rejects.toThrow(ForbiddenError);
    const error = await updateReputationSettings(admin, {
      ...(await getReputationSettings()),
      upvoteAnswer: "-3",
      upvoteQuestion: "1e3",
      dailyVoteCap: "lots",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toMatchObject({
      upvoteAnswer: "Between 0 and 1000; use 0 for no points.",
      upvoteQuestion: "Enter a whole number.",
      dailyVoteCap: "Enter a whole number.",
    });
    expect((await getReputationSettings()).upvoteAnswer).toBe(10);
  });
});

describe("the totals", () => {
  it("tell the domains that follow reputation of every change, with the new total", async () => {
    const heard: { userId: number; change: number; total: number }[] = [];
    subscribe("reputation changed", {
      inTransaction: ({ userId, change, total }) =>
        void (userId === helper.id && heard.push({ userId, change, total })),
    });
    const { answerId } = await threadWithAnswer();
    await vote(voter, answerId, 1);
    await vote(voter, answerId, -1);
    expect(heard).toEqual([
      { userId: helper.id, change: 10, total: 10 },
      { userId: helper.id, change: -10, total: 0 },
      { userId: helper.id, change: -2, total: -2 },
    ]);
  });

  it("npm run reputation:rebuild puts back totals that drifted from the events, and changes nothing run twice", async () => {
    const { questionId, answerId } = await threadWithAnswer();
    await vote(voter, answerId, 1);
    await vote(voter, questionId, -1);
    await decideOnPost(staff, questionId, { decision: "hide", reason: "x" });
    await decideOnPost(staff, questionId, { decision: "restore" });
    const live = [await reputationOf(helper), await reputationOf(asker), await reputationOf(voter)];
    expect(live).toEqual([10, -2, 0]);
    expect(await rebuildReputation(new Date())).toEqual({ changed: 0 });
    await write((db) => db.update(users).set({ reputation: 999 }).where(eq(users.id, helper.id)));
    expect(await rebuildReputation(new Date())).toEqual({ changed: 1 });
    expect([await reputationOf(helper), await reputationOf(asker), await reputationOf(voter)]).toEqual(live);
    expect(await rebuildReputation(new Date())).toEqual({ changed: 0 });
  });
});

describe("loyalty points", () => {
  it("follow the reputation that votes earn and take back (10 % by default)", async () => {
    const { answerId } = await threadWithAnswer();
    const balance = () => read((db) => balanceOn(db, helper.id));
    await vote(voter, answerId, 1);
    await vote(staff, answerId, 1);
    expect([await reputationOf(helper), await balance()]).toEqual([20, 2]);
    await vote(staff, answerId, 0);
    expect([await reputationOf(helper), await balance()]).toEqual([10, 1]);
    // Staff earn reputation, but no points.
    const { threadId } = await makeThread(asker, { title: "Another question about the hub" });
    const { postId: staffAnswer } = await makeAnswer(staff, threadId, "Staff answer here.");
    await vote(voter, staffAnswer, 1);
    expect([await reputationOf(staff), await read((db) => balanceOn(db, staff.id))]).toEqual([10, 0]);
  });
});
