import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { followUps } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb } from "~/lib/db.server";
import { WRITE_LOCK_KEY } from "~/lib/db/postgres.server";
import { databaseEngine } from "~/lib/env.server";
import { ForbiddenError, NotFoundError } from "~/lib/errors.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { timeLeftMs } from "~/models/shared/follow-up-state.server";
import { CALENDAR_CLOCK } from "~/models/support/open-hours";
import { saveTimeZone } from "~/models/accounts/time-zone.server";
import { releaseLeases, runLeasedJobs, takeLease } from "~/server/jobs.server";
import { markSolution } from "~/models/community/solutions.server";
import { getFollowUpPage, listMyFollowUps, listSupportQueue } from "~/models/support/queue.server";
import { addInternalNote, reopenFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { escalateThread, openDueFollowUps, requestFollowUp } from "~/models/support/opening.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { changeSupportPolicy } from "~/models/support/policies.server";

const HOUR = 3600_000;
const START = new Date("2026-11-02T09:00:00Z");
const at = (hours: number) => new Date(START.getTime() + hours * HOUR);

let customer: Member;
let otherCustomer: Member;
let member: Member;
let staff: Member;
let admin: Member;

beforeAll(async () => {
  customer = await makeUser("customer");
  otherCustomer = await makeUser("customer");
  member = await makeUser("member");
  staff = await makeUser("staff");
  admin = await makeUser("admin");
});
beforeEach(async () => {
  await resetAllLimits();
  setClock(START);
});
afterEach(() => setClock(null));

const followUpsOf = async (threadId: number) =>
  await scriptDb().select().from(followUps).where(eq(followUps.threadId, threadId));

/** A thread asked at START by `asker`. */
async function askedAtStart(asker: Member, overrides: Parameters<typeof makeThread>[1] = {}) {
  setClock(START);
  return (await makeThread(asker, overrides)).threadId;
}

describe("opening follow-ups after the grace period", () => {
  it("opens exactly one follow-up once the 4-hour grace period passes, with targets counted from asking", async () => {
    const threadId = await askedAtStart(customer);
    expect(await openDueFollowUps(at(3.9))).toBe(0);
    expect(await followUpsOf(threadId)).toEqual([]);
    expect(await openDueFollowUps(at(4))).toBeGreaterThanOrEqual(1);
    expect(await openDueFollowUps(at(5))).toBe(0);
    const [followUp] = await followUpsOf(threadId);
    expect(followUp).toMatchObject({
      status: "new",
      origin: "target",
      customerId: customer.id,
      firstRespondedAt: null,
      askedAt: START,
      openedAt: at(4),
    });
    // 24 hours from asking, not from opening: staff have the 20 hours left.
    expect(followUp.firstResponseDueAt).toEqual(at(24));
    expect(followUp.resolutionDueAt).toEqual(at(72));
  });

  it.skipIf(databaseEngine() !== "postgres")(
    "checks a question again under the write lock: one closed by a write that held the lock gets no follow-up",
    async () => {
      const threadId = await askedAtStart(customer);
      // Another app process's write holds the lock and closes the question; it commits 300 ms later.
      const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await other.connect();
      try {
        await other.query("BEGIN");
        await other.query(`SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
        await other.query("UPDATE threads SET status = 'closed' WHERE id = $1", [threadId]);
        const opening = openDueFollowUps(at(5), threadId);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await other.query("COMMIT");
        expect(await opening).toBe(0);
        expect(await followUpsOf(threadId)).toEqual([]);
      } finally {
        await other.end();
      }
    },
  );

  it("leaves alone members' questions, questions staff answered or peers solved in time, and old ones", async () => {
    const byMember = await askedAtStart(member);
    const staffAnswered = await askedAtStart(customer);
    setClock(at(3));
    await makeAnswer(staff, staffAnswered, "Try the cable setup.");
    const solved = await askedAtStart(customer);
    setClock(at(2));
    const { postId } = await makeAnswer(member, solved, "Restart it.");
    await markSolution(customer, postId, "accepted");
    const old = await askedAtStart(customer);
    await openDueFollowUps(at(15 * 24));
    for (const threadId of [byMember, staffAnswered, solved]) expect(await followUpsOf(threadId)).toEqual([]);
    // Its grace period ended 14 days and 20 hours before the first run: past the horizon.
    expect(await followUpsOf(old)).toEqual([]);
  });

  it("uses the category's grace period and targets when an admin set them", async () => {
    await expect(changeSupportPolicy(staff, "billing", { graceHours: "1" })).rejects.toThrow(ForbiddenError);
    await changeSupportPolicy(admin, "billing", {
      graceHours: "1",
      normalFirstResponseHours: "2",
      normalResolutionHours: "24",
    });
    const threadId = await askedAtStart(customer, { category: "billing", tags: "billing" });
    await openDueFollowUps(at(0.9));
    expect(await followUpsOf(threadId)).toHaveLength(0);
    await openDueFollowUps(at(1));
    expect(await followUpsOf(threadId)).toHaveLength(1);
    expect((await followUpsOf(threadId))[0].firstResponseDueAt).toEqual(at(2));
  });

  it("refuses a target that a sparse week of open hours could not reach in 30 years", async () => {
    const sparse = { clock: "business", hours1: "09:00-10:00", hours2: "closed", hours3: "closed", hours4: "closed" };
    const refused = await changeSupportPolicy(admin, "billing", {
      ...sparse,
      hours5: "closed",
      lowResolutionHours: "8000",
    }).catch((error) => error);
    expect(refused.fieldErrors).toEqual({
      lowResolutionHours: expect.stringContaining("more than 30 years from now"),
    });
  });

  it("opens at once where the grace period is zero", async () => {
    await changeSupportPolicy(admin, "billing", { graceHours: "0" });
    const threadId = await askedAtStart(customer, { category: "billing", tags: "billing" });
    // Opened straight after the question's write commits, not by the job.
    const [followUp] = await vi.waitFor(async () => {
      const rows = await followUpsOf(threadId);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(followUp).toMatchObject({ origin: "target", openedAt: START, askedAt: START });
  });

  it("still opens follow-ups when a target is longer than two weeks", async () => {
    await changeSupportPolicy(admin, "billing", { normalFirstResponseHours: "500", normalResolutionHours: "1000" });
    const threadId = await askedAtStart(customer, { category: "billing", tags: "billing" });
    await openDueFollowUps(at(4));
    const [followUp] = await followUpsOf(threadId);
    expect(followUp.firstResponseDueAt).toEqual(at(500));
    expect(followUp.resolutionDueAt).toEqual(at(1000));
  });

  it("opens each follow-up once when two job runners race in separate processes", async () => {
    const threadIds = [await askedAtStart(customer), await askedAtStart(customer), await askedAtStart(customer)];
    const run = () =>
      promisify(execFile)(
        path.resolve("node_modules/.bin/tsx"),
        ["app/cli/jobs-run-once.ts", "--now", at(30).toISOString()],
        {
          env: { ...process.env, DATABASE_PATH: process.env.DATABASE_PATH },
        },
      );
    const outputs = await Promise.all([run(), run(), run()]);
    for (const threadId of threadIds) expect(await followUpsOf(threadId)).toHaveLength(1);
    const opened = outputs.map(({ stdout }) => Number(/opened (\d+)/.exec(stdout)?.[1] ?? NaN));
    expect(opened.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(threadIds.length);
    expect(opened.every(Number.isInteger)).toBe(true);
  }, 60_000);

  it("runs a leased job in one holder at a time, and lets another take over when the lease expires", async () => {
    expect(await takeLease("open-due-follow-ups", "process-a", at(0))).toBe(true);
    expect(await takeLease("warn-follow-ups-nearly-due", "process-a", at(0))).toBe(true);
    expect(await takeLease("remind-or-resolve-waiting", "process-a", at(0))).toBe(true);
    expect(await takeLease("deliver-fan-outs", "process-a", at(0))).toBe(true);
    expect(await takeLease("send-digests", "process-a", at(0))).toBe(true);
    expect(await takeLease("send-emails", "process-a", at(0))).toBe(true);
    expect(await takeLease("recompute-trust-levels", "process-a", at(0))).toBe(true);
    expect(await takeLease("reverse-serial-voting", "process-a", at(0))).toBe(true);
    expect(await takeLease("award-badges", "process-a", at(0))).toBe(true);
    expect(await takeLease("refresh-search-vocabulary", "process-a", at(0))).toBe(true);
    expect(await takeLease("open-due-follow-ups", "process-b", at(0.01))).toBe(false);
    expect(await runLeasedJobs("process-b", at(0.02))).toEqual({});
    expect(await takeLease("open-due-follow-ups", "process-a", at(0.02))).toBe(true);
    expect(await takeLease("open-due-follow-ups", "process-b", at(1))).toBe(true);
  });

  it("lets another holder take a lease at once when its holder lets go (a server stopping)", async () => {
    expect(await takeLease("send-digests", "process-c", at(2))).toBe(true);
    expect(await takeLease("send-digests", "process-d", at(2.01))).toBe(false);
    await releaseLeases("process-c", at(2.02));
    expect(await takeLease("send-digests", "process-d", at(2.02))).toBe(true);
  });
});

describe("asking and escalating", () => {
  it("lets the customer who asked ask for help once, staff escalate, and nobody else", async () => {
    const threadId = await askedAtStart(customer);
    await expect(requestFollowUp(otherCustomer, threadId)).rejects.toThrow(ForbiddenError);
    await expect(requestFollowUp(VISITOR, threadId)).rejects.toThrow(ForbiddenError);
    await expect(escalateThread(customer, threadId)).rejects.toThrow(ForbiddenError);
    const first = await requestFollowUp(customer, threadId);
    expect(first.opened).toBe(true);
    expect(await requestFollowUp(customer, threadId)).toEqual({ followUpId: first.followUpId, opened: false });
    expect(await escalateThread(staff, threadId)).toEqual({ followUpId: first.followUpId, opened: false });
    expect(await followUpsOf(threadId)).toHaveLength(1);
    const byMember = await askedAtStart(member);
    await expect(requestFollowUp(member, byMember)).rejects.toThrow(ForbiddenError);
    expect((await escalateThread(staff, byMember)).opened).toBe(true);
  });
});

describe("working a follow-up", () => {
  it("counts the first staff reply, pauses while waiting on the customer, and resumes with the time added", async () => {
    const threadId = await askedAtStart(customer);
    setClock(at(1));
    const { followUpId } = await requestFollowUp(customer, threadId);
    const opened = (await followUpsOf(threadId))[0];
    expect(opened.firstResponseDueAt).toEqual(at(25));

    setClock(at(3));
    await workOnFollowUp(staff, followUpId, { intent: "take" });
    await replyOnFollowUp(staff, followUpId, {
      body: "Which firmware does the hub show?",
      visibility: "private",
      then: "waiting",
    });
    const waiting = (await followUpsOf(threadId))[0];
    expect(waiting).toMatchObject({
      status: "waiting",
      assigneeId: staff.id,
      firstRespondedAt: at(3),
      pausedAt: at(3),
    });
    // The clock is stopped: time left is the same three hours later.
    expect(timeLeftMs(waiting, at(6), CALENDAR_CLOCK)).toBe(timeLeftMs(waiting, at(3), CALENDAR_CLOCK));
    expect(timeLeftMs(waiting, at(3), CALENDAR_CLOCK)).toBe(at(1 + 72).getTime() - at(3).getTime());

    setClock(at(13));
    await replyOnFollowUp(customer, followUpId, { body: "It says 4.2.0.", visibility: "private" });
    const resumed = (await followUpsOf(threadId))[0];
    expect(resumed).toMatchObject({ status: "open", pausedAt: null });
    expect(resumed.resolutionDueAt).toEqual(at(1 + 72 + 10));
    expect(resumed.firstResponseDueAt).toEqual(at(25));
  });

  it("shows internal notes to staff only, private messages to the customer and staff, and nothing to others", async () => {
    const threadId = await askedAtStart(customer);
    const { followUpId } = await requestFollowUp(customer, threadId);
    await addInternalNote(staff, followUpId, { note: "Customer has two hubs; check the serials." });
    await replyOnFollowUp(staff, followUpId, {
      body: "Please send your order number.",
      visibility: "private",
      then: "waiting",
    });
    await expect(addInternalNote(customer, followUpId, { note: "sneaky" })).rejects.toThrow(ForbiddenError);

    const staffView = await getFollowUpPage(staff, followUpId);
    expect(staffView.notes?.map((note) => note.bodyHtml.trim())).toEqual([
      "<p>Customer has two hubs; check the serials.</p>",
    ]);
    const customerView = await getFollowUpPage(customer, followUpId);
    expect(customerView.notes).toBeNull();
    expect(customerView.history).toBeNull();
    expect(JSON.stringify(customerView)).not.toContain("two hubs");
    expect(customerView.messages.map((message) => message.bodyHtml.trim())).toEqual([
      "<p>Please send your order number.</p>",
    ]);
    await expect(getFollowUpPage(otherCustomer, followUpId)).rejects.toThrow(NotFoundError);
    await expect(getFollowUpPage(VISITOR, followUpId)).rejects.toThrow(NotFoundError);
  });

  it("posts a public reply into the thread as an answer", async () => {
    const threadId = await askedAtStart(customer);
    const { followUpId } = await escalateThread(staff, threadId);
    const { postId } = await replyOnFollowUp(staff, followUpId, {
      body: "Use the cable setup.",
      visibility: "thread",
      then: "open",
    });
    const page = await getFollowUpPage(staff, followUpId);
    expect(page.thread.answers.map((answer) => answer.id)).toContain(postId);
    expect(page.followUp).toMatchObject({ status: "open", firstRespondedAt: expect.any(Date) });
  });

  it("resolves when the thread is solved, and the customer can reopen it", async () => {
    const threadId = await askedAtStart(customer);
    const { followUpId } = await requestFollowUp(customer, threadId);
    const { postId } = await makeAnswer(staff, threadId, "Hold reset for 2 seconds.");
    setClock(at(5));
    await markSolution(customer, postId, "accepted");
    expect((await followUpsOf(threadId))[0]).toMatchObject({ status: "resolved", resolvedAt: at(5) });
    await expect(reopenFollowUp(otherCustomer, followUpId)).rejects.toThrow(NotFoundError);
    setClock(at(6));
    await reopenFollowUp(customer, followUpId);
    expect((await followUpsOf(threadId))[0]).toMatchObject({
      status: "open",
      resolvedAt: null,
      resolutionDueAt: at(6 + 72),
    });
  });

  it("lists the queue most urgent first with breaches flagged, and the customer's own follow-ups", async () => {
    const later = await askedAtStart(otherCustomer);
    setClock(at(-30));
    const earlier = (await makeThread(otherCustomer)).threadId;
    setClock(at(0));
    await escalateThread(staff, later);
    setClock(at(-30));
    await escalateThread(staff, earlier);
    setClock(at(0));
    const queue = await listSupportQueue(staff, {});
    const ours = queue.items.filter((item) => item.threadId === later || item.threadId === earlier);
    expect(ours.map((item) => item.threadId)).toEqual([earlier, later]);
    expect(ours[0]).toMatchObject({ breached: true, target: "first response" });
    expect(ours[1]).toMatchObject({ breached: false });
    await expect(listSupportQueue(customer, {})).rejects.toThrow(ForbiddenError);
    expect((await listMyFollowUps(otherCustomer)).map((item) => item.threadId)).toEqual(
      expect.arrayContaining([earlier, later]),
    );
    expect((await listMyFollowUps(customer)).map((item) => item.threadId)).not.toContain(earlier);
  });
});

describe("targets on the category's clock", () => {
  const officeHours = {
    graceHours: "4",
    clock: "business",
    timeZone: "Europe/London",
    hours1: "09:00-17:00",
    hours2: "09:00-17:00",
    hours3: "09:00-17:00",
    hours4: "09:00-17:00",
    hours5: "09:00-17:00",
    holidays: "2026-11-09 Staff training day",
    normalFirstResponseHours: "8",
    normalResolutionHours: "24",
    urgentFirstResponseHours: "2",
    urgentResolutionHours: "8",
  };
  // Friday 6 November 2026, 15:00 in London (UTC+0).
  const friday = new Date("2026-11-06T15:00:00Z");
  const hoursAfter = (from: Date, hours: number) => new Date(from.getTime() + hours * HOUR);

  beforeEach(async () => {
    await changeSupportPolicy(admin, "billing", officeHours);
  });

  it("counts only open hours: a Friday-afternoon question is due on Tuesday, past the weekend and a holiday", async () => {
    setClock(friday);
    const { threadId } = await makeThread(customer, { category: "billing", tags: "billing" });
    await openDueFollowUps(hoursAfter(friday, 4));
    const [followUp] = await followUpsOf(threadId);
    // 2 open hours on Friday; Monday 9 is a holiday; 6 more on Tuesday 10 November.
    expect(followUp.firstResponseDueAt).toEqual(new Date("2026-11-10T15:00:00Z"));
    // Saturday noon: 8 open hours left, said as open hours with the due time.
    setClock(hoursAfter(friday, 21));
    const page = await getFollowUpPage(staff, followUp.id);
    expect(page.followUp).toMatchObject({
      clock: "business",
      breached: false,
      timeLeftMs: 6 * HOUR,
      clockTimeZone: "Europe/London",
    });
    // The customer reads the due time in the time zone they chose.
    await saveTimeZone(customer, { timeZone: "Asia/Tokyo" });
    expect((await getFollowUpPage(customer, followUp.id)).followUp.clockTimeZone).toBe("Asia/Tokyo");
    expect((await listMyFollowUps(customer))[0].clockTimeZone).toBe("Asia/Tokyo");
    await saveTimeZone(customer, { timeZone: "" });
  });

  it("recounts the unmet targets from asking when the priority changes", async () => {
    setClock(friday);
    const { threadId } = await makeThread(customer, { category: "billing", tags: "billing" });
    await openDueFollowUps(hoursAfter(friday, 4));
    const [followUp] = await followUpsOf(threadId);
    await workOnFollowUp(staff, followUp.id, { intent: "priority", priority: "urgent" });
    const urgent = (await followUpsOf(threadId))[0];
    // 2 open hours from Friday 15:00: due at 17:00 the same day (already passed when raised on Friday 19:00).
    expect(urgent.firstResponseDueAt).toEqual(new Date("2026-11-06T17:00:00Z"));
    expect(urgent.resolutionDueAt).toEqual(new Date("2026-11-10T15:00:00Z"));
    setClock(hoursAfter(friday, 4));
    const page = await getFollowUpPage(staff, followUp.id);
    expect(page.followUp.breached).toBe(true);
  });

  it("moves the targets by the open time spent waiting on the customer", async () => {
    setClock(friday);
    const { threadId } = await makeThread(customer, { category: "billing", tags: "billing" });
    setClock(hoursAfter(friday, 1));
    const { followUpId } = await requestFollowUp(customer, threadId);
    const opened = (await followUpsOf(threadId))[0];
    // Asking for help is the customer writing: Friday 16:00, 24 open hours → Thursday 12 November 16:00.
    expect(opened.askedAt).toEqual(hoursAfter(friday, 1));
    expect(opened.resolutionDueAt).toEqual(new Date("2026-11-12T16:00:00Z"));
    setClock(new Date("2026-11-06T16:30:00Z"));
    await replyOnFollowUp(staff, followUpId, {
      body: "Which card did you pay with?",
      visibility: "private",
      then: "waiting",
    });
    // The customer answers on Tuesday at 10:00: 30 min on Friday and 1 h on Tuesday were open (Monday is a holiday).
    setClock(new Date("2026-11-10T10:00:00Z"));
    await replyOnFollowUp(customer, followUpId, { body: "The Visa ending 4242.", visibility: "private" });
    const resumed = (await followUpsOf(threadId))[0];
    expect(resumed.waitedMs).toBe(1.5 * HOUR);
    // Thursday 16:00 plus 1.5 open hours: one on Thursday, the half hour left on Friday morning.
    expect(resumed.resolutionDueAt).toEqual(new Date("2026-11-13T09:30:00Z"));
  });

  it("counts a staff escalation from the customer's last post, and a reopened follow-up from the reopening", async () => {
    await changeSupportPolicy(admin, "billing", { clock: "calendar" });
    setClock(START);
    const { threadId } = await makeThread(customer, { category: "billing", tags: "billing" });
    setClock(at(2));
    await makeAnswer(customer, threadId, "Still charged twice, any news?");
    setClock(at(3));
    const { followUpId } = await escalateThread(staff, threadId);
    expect((await followUpsOf(threadId))[0]).toMatchObject({ askedAt: at(2), firstResponseDueAt: at(2 + 8) });
    await workOnFollowUp(staff, followUpId, { intent: "status", status: "resolved" });
    setClock(at(50));
    await reopenFollowUp(customer, followUpId);
    expect((await followUpsOf(threadId))[0]).toMatchObject({
      status: "open",
      askedAt: at(50),
      waitedMs: 0,
      firstResponseDueAt: at(50 + 8),
      resolutionDueAt: at(50 + 24),
    });
    // Staff reopening it from the status menu restarts the clocks the same way.
    await workOnFollowUp(staff, followUpId, { intent: "status", status: "resolved" });
    setClock(at(100));
    await workOnFollowUp(staff, followUpId, { intent: "status", status: "open" });
    expect((await followUpsOf(threadId))[0]).toMatchObject({
      askedAt: at(100),
      firstAskedAt: at(2),
      resolutionDueAt: at(100 + 24),
    });
  });
});

describe("changing a category's settings", () => {
  it("recounts the open follow-ups' due times on the new clock, and refuses a reminder after the auto-resolve", async () => {
    await changeSupportPolicy(admin, "billing", { graceHours: "4", clock: "calendar", normalFirstResponseHours: "8" });
    // Friday 6 November 2026, 15:00 in London.
    setClock(new Date("2026-11-06T15:00:00Z"));
    const { threadId } = await makeThread(customer, { category: "billing", tags: "billing" });
    await openDueFollowUps(new Date("2026-11-06T19:00:00Z"));
    expect((await followUpsOf(threadId))[0].firstResponseDueAt).toEqual(new Date("2026-11-06T23:00:00Z"));
    await changeSupportPolicy(admin, "billing", {
      clock: "business",
      timeZone: "Europe/London",
      hours1: "09:00-17:00",
      hours2: "09:00-17:00",
      hours5: "09:00-17:00",
      holidays: "",
    });
    // 2 open hours on Friday, 6 on Monday.
    expect((await followUpsOf(threadId))[0].firstResponseDueAt).toEqual(new Date("2026-11-09T15:00:00Z"));
    const refused = await changeSupportPolicy(admin, "billing", {
      remindAfterDays: "5",
      autoResolveAfterDays: "2",
    }).catch((error) => error);
    expect(refused.fieldErrors).toEqual({ remindAfterDays: expect.stringContaining("before the follow-up resolves") });
  });
});
