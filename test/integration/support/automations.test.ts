// A follow-up waiting on a silent customer: reminded after 3 days, resolved after 7 (per category,
// or never), and the customer can reopen it.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { followUpEvents, followUpSurveys, followUps, notifications, supportPolicies } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { listCategories } from "~/models/community/tags.server";
import { remindOrResolveWaitingFollowUps } from "~/models/support/automations.server";
import { reopenFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { makeThread, makeUser } from "../../fixtures/factories";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let start = new Date("2026-11-02T09:00:00Z").getTime();
let customer: Member;
let staff: Member;

beforeAll(async () => {
  staff = await makeUser("staff");
});
beforeEach(async () => {
  await resetAllLimits();
  customer = await makeUser("customer");
  start += 30 * DAY; // each test's follow-up waits in its own month
});
afterEach(() => setClock(null));

const at = (ms: number) => new Date(start + ms);

/** A follow-up that staff answered at `start` and set waiting on the customer. */
async function waitingOnCustomer(category = "general") {
  setClock(at(-HOUR));
  const { threadId } = await makeThread(customer, { title: `Silent customer ${start}`, category });
  const { followUpId } = await requestFollowUp(customer, threadId);
  setClock(at(0));
  await replyOnFollowUp(staff, followUpId, {
    body: "Which router do you have?",
    visibility: "private",
    then: "waiting",
  });
  return followUpId;
}

const rowOf = async (id: number) => (await scriptDb().select().from(followUps).where(eq(followUps.id, id)))[0];
const eventsOf = async (id: number) =>
  (await scriptDb().select().from(followUpEvents).where(eq(followUpEvents.followUpId, id))).map((e) => e.kind);
const customerTold = async (kind: "follow-up-status" | "follow-up-resolved") =>
  (
    await scriptDb()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, customer.id), eq(notifications.kind, kind)))
  ).map((row) => `${row.title} | ${row.emailText}`);

describe("waiting on the customer", () => {
  it("reminds the customer once after 3 days and resolves after 7 with the reason and the way back", async () => {
    const id = await waitingOnCustomer();
    expect(await remindOrResolveWaitingFollowUps(at(3 * DAY - 60_000))).toEqual({ reminded: 0, autoResolved: 0 });
    expect(await remindOrResolveWaitingFollowUps(at(3 * DAY))).toEqual({ reminded: 1, autoResolved: 0 });
    expect(await remindOrResolveWaitingFollowUps(at(4 * DAY))).toEqual({ reminded: 0, autoResolved: 0 });
    expect((await rowOf(id)).reminderSentAt).toEqual(at(3 * DAY));
    expect(await eventsOf(id)).toContain("reminded");
    expect(await customerTold("follow-up-status")).toContainEqual(
      expect.stringMatching(/^We are waiting for your reply: .*3 days ago.*close it 7 days after/),
    );

    expect(await remindOrResolveWaitingFollowUps(at(7 * DAY - 60_000))).toEqual({ reminded: 0, autoResolved: 0 });
    expect(await remindOrResolveWaitingFollowUps(at(7 * DAY))).toEqual({ reminded: 0, autoResolved: 1 });
    expect(await rowOf(id)).toMatchObject({ status: "resolved", resolution: "no-reply", resolvedAt: at(7 * DAY) });
    expect(await eventsOf(id)).toContain("auto-resolved");
    expect(await customerTold("follow-up-resolved")).toEqual([
      expect.stringMatching(/^Closed after 7 days without your reply: .*"It is still not solved"/),
    ]);
    // No satisfaction question for a follow-up closed for want of a reply.
    expect(await scriptDb().select().from(followUpSurveys).where(eq(followUpSurveys.followUpId, id))).toEqual([]);
    expect(await remindOrResolveWaitingFollowUps(at(8 * DAY))).toEqual({ reminded: 0, autoResolved: 0 });

    // "It is still not solved": open again, every target counting from the reopening.
    setClock(at(9 * DAY));
    await reopenFollowUp(customer, id);
    expect(await rowOf(id)).toMatchObject({ status: "open", resolution: null, resolvedAt: null, askedAt: at(9 * DAY) });
  });

  it("reminds again in a new wait once the customer has written", async () => {
    const id = await waitingOnCustomer();
    await remindOrResolveWaitingFollowUps(at(3 * DAY));
    setClock(at(4 * DAY));
    await replyOnFollowUp(customer, id, { body: "A Fritz!Box 7590.", visibility: "private" });
    expect(await rowOf(id)).toMatchObject({ status: "open", reminderSentAt: null });
    setClock(at(5 * DAY));
    await replyOnFollowUp(staff, id, { body: "Then turn off band steering.", visibility: "private", then: "waiting" });
    // The new wait began on day 5: its reminder is due on day 8, and no resolution before day 12.
    expect(await remindOrResolveWaitingFollowUps(at(7.5 * DAY))).toEqual({ reminded: 0, autoResolved: 0 });
    expect(await remindOrResolveWaitingFollowUps(at(8 * DAY))).toEqual({ reminded: 1, autoResolved: 0 });
    expect(await remindOrResolveWaitingFollowUps(at(11.9 * DAY))).toEqual({ reminded: 0, autoResolved: 0 });
    expect((await rowOf(id)).status).toBe("waiting");
  });

  it("does neither in a category whose policy turns them off", async () => {
    const billing = (await listCategories()).find((category) => category.slug === "billing")!;
    await scriptDb().insert(supportPolicies).values({
      categoryId: billing.id,
      graceMinutes: 240,
      openHours: "{}",
      remindAfterMinutes: null,
      autoResolveAfterMinutes: null,
    });
    const id = await waitingOnCustomer("billing");
    await remindOrResolveWaitingFollowUps(at(60 * DAY));
    expect(await rowOf(id)).toMatchObject({ status: "waiting", reminderSentAt: null });
    expect(await eventsOf(id)).not.toContain("reminded");
    await scriptDb().delete(supportPolicies).where(eq(supportPolicies.categoryId, billing.id));
  });

  it("reminds and resolves once when two runners race", async () => {
    const id = await waitingOnCustomer();
    const reminders = await Promise.all([1, 2, 3].map(() => remindOrResolveWaitingFollowUps(at(3 * DAY))));
    expect(reminders.reduce((sum, run) => sum + run.reminded, 0)).toBe(1);
    const resolutions = await Promise.all([1, 2, 3].map(() => remindOrResolveWaitingFollowUps(at(7 * DAY))));
    expect(resolutions.reduce((sum, run) => sum + run.autoResolved, 0)).toBe(1);
    expect((await eventsOf(id)).filter((kind) => kind === "auto-resolved")).toHaveLength(1);
    expect(await customerTold("follow-up-resolved")).toHaveLength(1);
  });
});
