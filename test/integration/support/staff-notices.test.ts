// What staff hear about the follow-up queue: assignments, customers' replies, "still not solved",
// targets an hour away, and new follow-ups in the categories they watch.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { notifications, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb, write } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { setWatchLevel } from "~/models/notifications/watching.server";
import { addInternalNote, reopenFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { warnFollowUpsNearlyDue } from "~/models/support/staff-notices.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { releaseWaitingPosts } from "~/models/moderation/post-state.server";
import { ensureVocabulary, makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const HOUR = 3_600_000;
let clock = new Date("2026-11-04T08:00:00Z").getTime();
const later = (ms = 60_000) => {
  clock += ms;
  setClock(new Date(clock));
};

beforeAll(ensureVocabulary);
beforeEach(async () => {
  await resetAllLimits();
  later(HOUR * 100);
});
afterEach(() => setClock(null));

const staffToldOf = async (user: Member, kind: string) =>
  (
    await scriptDb()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, user.id), eq(notifications.kind, kind as never)))
      .orderBy(notifications.id)
  ).map((row) => ({ title: row.title, reason: row.reason, emailed: row.emailId !== null, text: row.emailText }));

async function followUpFor(customer: Member, title: string, category = "general") {
  const { threadId } = await makeThread(customer, { title, category });
  later();
  return { threadId, followUpId: (await requestFollowUp(customer, threadId)).followUpId };
}

describe("what staff hear", () => {
  it("tells the assignee when someone else assigns it, not when they take it themselves", async () => {
    const [customer, lead, agent] = [await makeUser("customer"), await makeUser("staff"), await makeUser("staff")];
    const { followUpId } = await followUpFor(customer, "Router keeps rebooting");
    await workOnFollowUp(lead, followUpId, { intent: "assign", assignee: agent.username });
    await workOnFollowUp(lead, followUpId, { intent: "take" });
    expect(await staffToldOf(agent, "staff-follow-up-assigned")).toEqual([
      expect.objectContaining({ title: "Assigned to you: Router keeps rebooting", emailed: true }),
    ]);
    expect(await staffToldOf(lead, "staff-follow-up-assigned")).toEqual([]);
  });

  it("tells the assignee of a customer's private reply, with its text", async () => {
    const [customer, agent] = [await makeUser("customer"), await makeUser("staff")];
    const { followUpId } = await followUpFor(customer, "Invoice shows the wrong plan");
    await workOnFollowUp(agent, followUpId, { intent: "take" });
    later();
    await replyOnFollowUp(customer, followUpId, { body: "My order number is 4411.", visibility: "private" });
    expect(await staffToldOf(agent, "staff-follow-up-reply")).toEqual([
      expect.objectContaining({ reason: "This follow-up is assigned to you.", text: expect.stringContaining("4411") }),
    ]);
  });

  it("tells of “still not solved” the assignee, or with nobody assigned the staff watching the category", async () => {
    const [customer, agent, watcher, tracker, member] = [
      await makeUser("customer"),
      await makeUser("staff"),
      await makeUser("staff"),
      await makeUser("admin"),
      await makeUser("member"),
    ];
    await setWatchLevel(watcher, { target: "category", key: "billing", level: "watching" });
    await setWatchLevel(tracker, { target: "category", key: "billing", level: "tracking" });
    await setWatchLevel(member, { target: "category", key: "billing", level: "watching" });
    later();
    const unassigned = await followUpFor(customer, "Charged twice this month", "billing");
    expect(await staffToldOf(watcher, "staff-follow-up-new")).toEqual([
      expect.objectContaining({ title: "New follow-up: Charged twice this month", emailed: true }),
    ]);
    expect(await staffToldOf(tracker, "staff-follow-up-new")).toEqual([
      expect.objectContaining({ reason: "You are tracking the category Billing.", emailed: false }),
    ]);
    // Members may watch a category for its questions; follow-ups are staff business.
    expect(await staffToldOf(member, "staff-follow-up-new")).toEqual([]);

    for (const { followUpId } of [unassigned]) {
      await workOnFollowUp(agent, followUpId, { intent: "status", status: "resolved" });
      later();
      await reopenFollowUp(customer, followUpId);
    }
    expect((await staffToldOf(watcher, "staff-follow-up-unsolved")).map((row) => row.title)).toEqual([
      "Still not solved: Charged twice this month",
    ]);

    const assigned = await followUpFor(customer, "Refund never arrived", "billing");
    await workOnFollowUp(agent, assigned.followUpId, { intent: "take" });
    await workOnFollowUp(agent, assigned.followUpId, { intent: "status", status: "resolved" });
    later();
    await reopenFollowUp(customer, assigned.followUpId);
    expect((await staffToldOf(agent, "staff-follow-up-unsolved")).map((row) => row.title)).toEqual([
      "Still not solved: Refund never arrived",
    ]);
    expect(await staffToldOf(watcher, "staff-follow-up-unsolved")).toHaveLength(1);
  });

  it("warns the assignee once per target when it is an hour away", async () => {
    const [customer, agent] = [await makeUser("customer"), await makeUser("staff")];
    const { followUpId } = await followUpFor(customer, "Door lock jams in the cold");
    await workOnFollowUp(agent, followUpId, { intent: "take" });
    // The first response is due 24 hours after the follow-up opened.
    later(22 * HOUR);
    expect(await warnFollowUpsNearlyDue(new Date(clock))).toEqual({ warned: 0 });
    later(90 * 60_000);
    expect(await warnFollowUpsNearlyDue(new Date(clock))).toEqual({ warned: 1 });
    later();
    expect(await warnFollowUpsNearlyDue(new Date(clock))).toEqual({ warned: 0 });
    expect((await staffToldOf(agent, "staff-follow-up-due"))[0].title).toMatch(
      /^Due in \d+ min \(first response\): Door lock jams in the cold$/,
    );
    // Answered: the resolution target (72 hours after opening) gets its own warning, at 71.5 hours.
    await replyOnFollowUp(agent, followUpId, { body: "Try the graphite spray.", visibility: "private", then: "open" });
    later(48 * HOUR);
    expect(await warnFollowUpsNearlyDue(new Date(clock))).toEqual({ warned: 1 });
    expect((await staffToldOf(agent, "staff-follow-up-due")).map((row) => row.title)).toHaveLength(2);
  });
});

describe("a customer's reply that waited", () => {
  it("reaches the assignee when it is let through, not before", async () => {
    const [customer, agent] = [await makeUser("customer"), await makeUser("staff")];
    const { threadId, followUpId } = await followUpFor(customer, "Chime stays silent");
    await workOnFollowUp(agent, followUpId, { intent: "take" });
    // The customer's address is unconfirmed for a moment: what they post waits.
    await scriptDb().update(users).set({ emailConfirmedAt: null }).where(eq(users.id, customer.id));
    later();
    await makeAnswer(customer, threadId, "It still does not ring.");
    expect(await staffToldOf(agent, "staff-follow-up-reply")).toEqual([]);
    later();
    await scriptDb()
      .update(users)
      .set({ emailConfirmedAt: new Date(clock) })
      .where(eq(users.id, customer.id));
    await write(() => releaseWaitingPosts(customer, new Date(clock)));
    expect(await staffToldOf(agent, "staff-follow-up-reply")).toEqual([
      expect.objectContaining({ reason: "This follow-up is assigned to you." }),
    ]);
  });
});

describe("mentions on a follow-up", () => {
  it("tells staff mentioned in a note, never the customer; a private message tells those who may read it", async () => {
    const [customer, agent, colleague, member] = [
      await makeUser("customer"),
      await makeUser("staff"),
      await makeUser("staff"),
      await makeUser("member"),
    ];
    const { followUpId } = await followUpFor(customer, "Thermostat lost its schedule");
    later();
    await addInternalNote(agent, followUpId, {
      note: `@${colleague.username} seen this firmware bug? @${customer.username} @${member.username}`,
    });
    expect(await staffToldOf(colleague, "mention")).toEqual([
      expect.objectContaining({
        title: `${agent.username} mentioned you in a staff note: Thermostat lost its schedule`,
      }),
    ]);
    expect(await staffToldOf(customer, "mention")).toEqual([]);
    expect(await staffToldOf(member, "mention")).toEqual([]);

    later();
    await replyOnFollowUp(agent, followUpId, {
      body: `@${customer.username} which model is it? (@${member.username} cannot read this)`,
      visibility: "private",
      then: "waiting",
    });
    expect(await staffToldOf(customer, "mention")).toEqual([
      expect.objectContaining({ text: expect.stringContaining("which model is it?") }),
    ]);
    expect(await staffToldOf(member, "mention")).toEqual([]);
  });
});
