// Serial voting reversed by the job, and the leaderboards (issue 16), on either engine.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog, reputationEvents, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb } from "~/lib/db.server";
import { ForbiddenError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { castVote } from "~/models/community/votes.server";
import { decideOnPost } from "~/models/moderation/review.server";
import { getLeaderboard, periodStart } from "~/models/reputation/leaderboards.server";
import { listSerialVotingCases, reverseSerialVoting } from "~/models/reputation/serial-voting.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

afterEach(() => setClock(null));

async function reputationOf(person: Member) {
  const [row] = await scriptDb().select({ total: users.reputation }).from(users).where(eq(users.id, person.id));
  return Number(row.total);
}

async function upvote(voter: Member, postId: number) {
  await resetAllLimits();
  await castVote(voter, postId, { value: "1" });
}

async function answersBy(author: Member, count: number) {
  const asker = await makeUser("customer");
  const { threadId } = await makeThread(asker);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await makeAnswer(author, threadId, `Answer ${i} by them.`)).postId);
  return ids;
}

describe("serial voting", () => {
  let fan: Member;
  let favourite: Member;
  let staff: Member;
  beforeEach(async () => {
    fan = await makeUser("customer");
    favourite = await makeUser("customer");
    staff = await makeUser("staff");
  });

  it("reverses what five votes for one person's posts within a day earned, lists the case for staff and logs it", async () => {
    setClock(new Date("2026-11-30T09:00:00Z"));
    const answers = await answersBy(favourite, 6);
    for (const id of answers.slice(0, 5)) await upvote(fan, id);
    expect(await reputationOf(favourite)).toBe(50);
    expect(await reverseSerialVoting(new Date("2026-11-30T09:05:00Z"))).toEqual({ reversed: 5 });
    expect(await reputationOf(favourite)).toBe(0);
    // Running again finds nothing new.
    expect(await reverseSerialVoting(new Date("2026-11-30T09:06:00Z"))).toEqual({ reversed: 0 });
    // The votes stay on the posts; only the reputation they moved is gone.
    const { cases } = await listSerialVotingCases(staff, 1);
    expect(cases).toEqual([
      expect.objectContaining({
        voter: fan.username,
        target: favourite.username,
        reason: "upvote",
        votes: 5,
        points: 50,
      }),
    ]);
    const [entry] = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "reputation.serial-voting"), eq(auditLog.subjectId, favourite.id)));
    expect(entry.reason).toBe(`${fan.username} upvoted 5 more of their posts within a day`);
    // One more vote the same day is caught at the next run, not five votes later.
    await upvote(fan, answers[5]);
    expect(await reputationOf(favourite)).toBe(10);
    expect(await reverseSerialVoting(new Date("2026-11-30T09:10:00Z"))).toEqual({ reversed: 1 });
    expect(await reputationOf(favourite)).toBe(0);
    await expect(listSerialVotingCases(fan, 1)).rejects.toThrow(ForbiddenError);
  });

  it("leaves four votes a day alone, and votes spread over days", async () => {
    const answers = await answersBy(favourite, 6);
    setClock(new Date("2026-11-28T09:00:00Z"));
    for (const id of answers.slice(0, 3)) await upvote(fan, id);
    setClock(new Date("2026-11-30T09:00:00Z"));
    for (const id of answers.slice(3, 6)) await upvote(fan, id);
    expect(await reverseSerialVoting(new Date("2026-11-30T09:05:00Z"))).toEqual({ reversed: 0 });
    expect(await reputationOf(favourite)).toBe(60);
    const other = await makeUser("customer");
    for (const id of answers.slice(0, 4)) await upvote(other, id);
    expect(await reverseSerialVoting(new Date("2026-11-30T09:06:00Z"))).toEqual({ reversed: 0 });
  });
});

describe("leaderboards", () => {
  it("start the week on Monday and the month on the 1st, in UTC", () => {
    const sunday = new Date("2026-11-29T23:59:00Z");
    expect(periodStart("week", sunday)?.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(periodStart("week", new Date("2026-11-30T00:00:00Z"))?.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(periodStart("month", sunday)?.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(periodStart("all", sunday)).toBeNull();
  });

  it("rank what people gained in the period and tag, list staff apart, and count no hidden post", async () => {
    const asker = await makeUser("customer");
    const [early, late, hidden, staff] = [
      await makeUser("customer"),
      await makeUser("customer"),
      await makeUser("customer"),
      await makeUser("staff"),
    ];
    const voters = [await makeUser("customer"), await makeUser("customer")];
    setClock(new Date("2026-11-02T10:00:00Z"));
    const { threadId: wifiThread } = await makeThread(asker, { tags: "wifi" });
    const { postId: earlyAnswer } = await makeAnswer(early, wifiThread, "Early and good.");
    for (const voter of voters) await upvote(voter, earlyAnswer);
    setClock(new Date("2026-11-30T10:00:00Z"));
    const { threadId: locksThread } = await makeThread(asker, { title: "The lock will not pair", tags: "locks" });
    const { postId: lateAnswer } = await makeAnswer(late, locksThread, "Late and good.");
    const { postId: hiddenAnswer } = await makeAnswer(hidden, locksThread, "Hidden later.");
    const { postId: staffAnswer } = await makeAnswer(staff, locksThread, "Staff answer.");
    await upvote(voters[0], lateAnswer);
    for (const voter of voters) await upvote(voter, hiddenAnswer);
    for (const voter of voters) await upvote(voter, staffAnswer);
    await decideOnPost(staff, hiddenAnswer, { decision: "hide", reason: "Spam" });

    const at = new Date("2026-11-30T12:00:00Z");
    const board = async (period: "week" | "month" | "all", tag = "") =>
      getLeaderboard({ period, tag, page: 1 }, at).then((result) => ({
        community: result.community.map((entry) => [entry.username, entry.gained]),
        staff: result.staff.map((entry) => [entry.username, entry.gained]),
        unknownTag: result.unknownTag,
      }));
    const mine = (rows: (string | number)[][]) =>
      rows.filter(([name]) => [early, late, hidden, staff].some((person) => person.username === name));
    const week = await board("week");
    expect(mine(week.community)).toEqual([[late.username, 10]]);
    expect(mine(week.staff)).toEqual([[staff.username, 20]]);
    expect(mine((await board("month")).community)).toEqual([
      [early.username, 20],
      [late.username, 10],
    ]);
    expect(mine((await board("all")).community)).toEqual([
      [early.username, 20],
      [late.username, 10],
    ]);
    expect(mine((await board("all", "wifi")).community)).toEqual([[early.username, 20]]);
    expect(mine((await board("month", "locks")).community)).toEqual([[late.username, 10]]);
    expect((await board("all", "no-such-tag")).unknownTag).toBe(true);
    const events = await scriptDb().select().from(reputationEvents).where(eq(reputationEvents.postId, hiddenAnswer));
    expect(events).toHaveLength(2);
  });
});
