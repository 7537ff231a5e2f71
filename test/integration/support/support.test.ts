import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { followUps } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb } from "~/lib/db.server";
import { ForbiddenError, NotFoundError } from "~/lib/errors.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { timeLeftMs } from "~/models/shared/follow-up-state.server";
import { runLeasedJobs, takeLease } from "~/server/jobs.server";
import { markSolution } from "~/models/community/solutions.server";
import { setCategoryTargets } from "~/models/support/targets.server";
import { getFollowUpPage, listMyFollowUps, listSupportQueue } from "~/models/support/queue.server";
import { addInternalNote, reopenFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { escalateThread, openDueFollowUps, requestFollowUp } from "~/models/support/opening.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

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

describe("opening follow-ups when the target passes", () => {
  it("opens exactly one follow-up for an unanswered customer question once 24 hours have passed", async () => {
    const threadId = await askedAtStart(customer);
    expect(await openDueFollowUps(at(23.9))).toBe(0);
    expect(await followUpsOf(threadId)).toEqual([]);
    expect(await openDueFollowUps(at(24))).toBeGreaterThanOrEqual(1);
    expect(await openDueFollowUps(at(25))).toBe(0);
    const [followUp] = await followUpsOf(threadId);
    expect(followUp).toMatchObject({
      status: "new",
      origin: "target",
      customerId: customer.id,
      firstRespondedAt: null,
    });
    expect(followUp.firstResponseDueAt).toEqual(at(48));
    expect(followUp.resolutionDueAt).toEqual(at(24 + 72));
  });

  it("leaves alone members' questions, questions staff answered, solved ones, and old ones", async () => {
    const byMember = await askedAtStart(member);
    const staffAnswered = await askedAtStart(customer);
    await makeAnswer(staff, staffAnswered, "Try the cable setup.");
    const solved = await askedAtStart(customer);
    const { postId } = await makeAnswer(member, solved, "Restart it.");
    await markSolution(customer, postId, "accepted");
    const old = await askedAtStart(customer);
    await openDueFollowUps(at(15 * 24));
    for (const threadId of [byMember, staffAnswered, solved]) expect(await followUpsOf(threadId)).toEqual([]);
    // 15 days old at the first run: past the horizon, so never opened by the target.
    expect(await followUpsOf(old)).toEqual([]);
  });

  it("uses the category's own target when an admin set one", async () => {
    await expect(
      setCategoryTargets(staff, { category: "billing", firstResponseHours: "2", resolutionHours: "24" }),
    ).rejects.toThrow(ForbiddenError);
    await setCategoryTargets(admin, { category: "billing", firstResponseHours: "2", resolutionHours: "24" });
    const threadId = await askedAtStart(customer, { category: "billing", tags: "billing" });
    await openDueFollowUps(at(2));
    expect(await followUpsOf(threadId)).toHaveLength(1);
    expect((await followUpsOf(threadId))[0].firstResponseDueAt).toEqual(at(4));
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
    expect(await takeLease("open-due-follow-ups", "process-b", at(0.01))).toBe(false);
    expect(await runLeasedJobs("process-b", at(0.02))).toEqual({});
    expect(await takeLease("open-due-follow-ups", "process-a", at(0.02))).toBe(true);
    expect(await takeLease("open-due-follow-ups", "process-b", at(1))).toBe(true);
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
    expect(timeLeftMs(waiting, at(6))).toBe(timeLeftMs(waiting, at(3)));
    expect(timeLeftMs(waiting, at(3))).toBe(at(1 + 72).getTime() - at(3).getTime());

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
    await addInternalNote(staff, followUpId, { body: "Customer has two hubs; check the serials." });
    await replyOnFollowUp(staff, followUpId, {
      body: "Please send your order number.",
      visibility: "private",
      then: "waiting",
    });
    await expect(addInternalNote(customer, followUpId, { body: "sneaky" })).rejects.toThrow(ForbiddenError);

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
