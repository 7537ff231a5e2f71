// Report figures on a fixture whose answers are worked out by hand (times in UTC), including the
// follow-ups nobody answered: "7 of 8 had no reply" must not read as a median of 0.0 h.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followUps } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { countQueries, scriptDb } from "~/lib/db.server";
import { ForbiddenError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { markSolution } from "~/models/community/solutions.server";
import { supportReport, supportReportCsv, weekStart } from "~/models/support/reports.server";
import { rateFollowUp, reopenFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { createCategory } from "~/models/community/tags.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const HOUR = 3600_000;
const NOW = "2026-11-10T12:30:00Z";
let customer: Member;
let member: Member;
let sam: Member;
let kim: Member;

async function at(iso: string) {
  setClock(new Date(iso));
  await resetAllLimits();
}

/** A customer's question asked, and its follow-up requested, at `asked`. */
async function asked(iso: string, category = "general") {
  await at(iso);
  const { threadId } = await makeThread(customer, { title: `Fixture question asked ${iso}`, category });
  const { followUpId } = await requestFollowUp(customer, threadId);
  return { threadId, followUpId };
}

/** Taken by `staff`, answered by them at `reply` (in the thread or privately), resolved at `resolved`, rated. */
async function answered(
  iso: string,
  staff: Member,
  steps: { reply: string; visibility: "thread" | "private"; resolved: string; rating: number },
) {
  const { followUpId } = await asked(iso);
  await workOnFollowUp(staff, followUpId, { intent: "take" });
  await at(steps.reply);
  await replyOnFollowUp(staff, followUpId, { body: "Looking into it.", visibility: steps.visibility, then: "open" });
  await at(steps.resolved);
  await workOnFollowUp(staff, followUpId, { intent: "status", status: "resolved" });
  await rateFollowUp(customer, followUpId, { rating: String(steps.rating) });
}

beforeAll(async () => {
  customer = await makeUser("customer");
  member = await makeUser("member");
  sam = await makeUser("staff", { username: "sam-fixture" });
  kim = await makeUser("staff", { username: "kim-fixture" });
  // Week of Monday 2 November: 8 follow-ups, and staff answered only the first (A).
  await answered("2026-11-02T10:00:00Z", sam, {
    reply: "2026-11-02T11:00:00Z", // first response after 1 h, in the thread
    visibility: "thread",
    resolved: "2026-11-03T10:00:00Z", // resolved after 24 h (target 72 h)
    rating: 5,
  });
  // B to H: nobody answered. At NOW they have waited 168.5, 144.5, 120.5, 96.5, 72.5, 48.5 and 37.5 h.
  await asked("2026-11-03T12:00:00Z"); // B
  const c = await asked("2026-11-04T12:00:00Z"); // C, high priority
  await workOnFollowUp(kim, c.followUpId, { intent: "priority", priority: "high" });
  await asked("2026-11-05T12:00:00Z", "billing"); // D, billing
  await asked("2026-11-06T12:00:00Z"); // E
  await asked("2026-11-07T12:00:00Z"); // F: just past its 72 h resolution target
  await asked("2026-11-08T12:00:00Z"); // G
  await asked("2026-11-08T23:00:00Z"); // H
  // Week of Monday 9 November.
  await answered("2026-11-09T09:00:00Z", sam, {
    reply: "2026-11-09T10:00:00Z", // I: 1 h, privately
    visibility: "private",
    resolved: "2026-11-09T13:00:00Z", // 4 h
    rating: 3,
  });
  // J: a peer's answer, accepted 2 h after asking, with no staff reply: the community question, answered "no".
  const j = await asked("2026-11-09T10:00:00Z");
  await at("2026-11-09T11:00:00Z");
  const { postId } = await makeAnswer(member, j.threadId, "Hold the reset button for ten seconds.");
  await at("2026-11-09T12:00:00Z");
  await markSolution(customer, postId, "accepted");
  await rateFollowUp(customer, j.followUpId, { rating: "1" });
  // K: asked 10 h before NOW, not yet due (pending), taken by kim.
  const k = await asked("2026-11-10T02:30:00Z");
  await workOnFollowUp(kim, k.followUpId, { intent: "take" });
  // A staff answer on a thread without a follow-up is not a reply on one.
  const plain = await makeThread(customer, { title: "A question nobody escalated" });
  await makeAnswer(sam, plain.threadId, "Try the other port.");
  await at(NOW);
});
afterAll(() => setClock(null));

describe("support reports", () => {
  it("starts weeks on Monday, UTC", () => {
    expect(weekStart(new Date("2026-11-08T23:59:00Z")).toISOString()).toBe("2026-11-02T00:00:00.000Z");
    expect(weekStart(new Date("2026-11-09T00:00:00Z")).toISOString()).toBe("2026-11-09T00:00:00.000Z");
  });

  it("counts the unanswered follow-ups at their age: a week with 7 of 8 unanswered is late, not 0.0 h", async () => {
    const report = await supportReport(sam, { weeks: "2" });
    const [first, second] = report.weeks;
    expect(first.weekStart.toISOString()).toBe("2026-11-02T00:00:00.000Z");
    expect(first).toMatchObject({ opened: 8, resolved: 1, stillWaiting: 7 });
    // 1 h, then 37.5 … 168.5 h still running: the median of eight is (72.5 + 96.5) / 2, and can only grow.
    expect(first.firstResponse).toEqual({
      medianMs: 84.5 * HOUR,
      atLeast: true,
      met: 1,
      missed: 7,
      pending: 0,
      withinTargetShare: 1 / 8,
    });
    // Resolution (72 h target): A met; B to F missed; G and H are not yet due.
    expect(first.resolution).toEqual({
      medianMs: 84.5 * HOUR,
      atLeast: true,
      met: 1,
      missed: 5,
      pending: 2,
      withinTargetShare: 1 / 6,
    });
    expect(first.support).toEqual({ asked: 1, answered: 1, average: 5 });
    expect(first.community).toEqual({ asked: 0, answered: 0, solved: 0 });

    expect(second).toMatchObject({ opened: 3, resolved: 2, stillWaiting: 1 });
    // I after 1 h, J's wait ended at its accepted answer after 2 h, K waits 10 h (not due): exact.
    expect(second.firstResponse).toEqual({
      medianMs: 2 * HOUR,
      atLeast: false,
      met: 2,
      missed: 0,
      pending: 1,
      withinTargetShare: 1,
    });
    expect(second.resolution).toMatchObject({ medianMs: 4 * HOUR, atLeast: false, met: 2, missed: 0, pending: 1 });
    // The two questions are counted apart: J's "no" is not a support rating of 1.
    expect(second.support).toEqual({ asked: 1, answered: 1, average: 3 });
    expect(second.community).toEqual({ asked: 1, answered: 1, solved: 0 });

    expect(report.total.firstResponse).toMatchObject({ medianMs: 48.5 * HOUR, atLeast: true, met: 3, missed: 7 });
    expect(report.total.firstResponse.withinTargetShare).toBeCloseTo(0.3);
    expect(report.now).toEqual({ open: 8, stillWaiting: 8, oldestWaitingMs: 168.5 * HOUR });
  });

  it("splits the figures per category and per priority", async () => {
    const report = await supportReport(sam, { weeks: "2" });
    const general = report.byCategory.find((row) => row.slug === "general")!;
    const billing = report.byCategory.find((row) => row.slug === "billing")!;
    expect(general).toMatchObject({ opened: 10, resolved: 3, stillWaiting: 7 });
    expect(billing).toMatchObject({ opened: 1, resolved: 0, stillWaiting: 1 });
    expect(billing.firstResponse).toMatchObject({ medianMs: 120.5 * HOUR, atLeast: true, met: 0, missed: 1 });
    expect(report.byPriority.map((row) => row.priority)).toEqual(["urgent", "high", "normal", "low"]);
    const high = report.byPriority.find((row) => row.priority === "high")!;
    expect(high).toMatchObject({ opened: 1, stillWaiting: 1 });
    expect(high.firstResponse).toMatchObject({ medianMs: 144.5 * HOUR, met: 0, missed: 1, withinTargetShare: 0 });
    expect(report.byPriority.find((row) => row.priority === "normal")).toMatchObject({ opened: 10 });

    const onlyBilling = await supportReport(sam, { weeks: "2", category: "billing" });
    expect(onlyBilling.total).toMatchObject({ opened: 1, stillWaiting: 1 });
    expect(onlyBilling.now).toEqual({ open: 1, stillWaiting: 1, oldestWaitingMs: 120.5 * HOUR });
  });

  it("credits each member of staff with their replies, resolutions, first responses and ratings", async () => {
    const { byStaff } = await supportReport(sam, { weeks: "2" });
    expect(byStaff.find((row) => row.username === "sam-fixture")).toEqual({
      userId: sam.id,
      username: "sam-fixture",
      replies: 2, // A's answer in the thread and I's private message; not the answer on a thread without a follow-up
      resolved: 2,
      firstResponses: 2,
      medianFirstResponseMs: 1 * HOUR,
      support: { asked: 2, answered: 2, average: 4 },
    });
    expect(byStaff.find((row) => row.username === "kim-fixture")).toEqual({
      userId: kim.id,
      username: "kim-fixture",
      replies: 0,
      resolved: 0,
      firstResponses: 0,
      medianFirstResponseMs: null,
      support: { asked: 0, answered: 0, average: null },
    });
  });

  it("shows the backlog at the end of each day, up to now", async () => {
    const { backlog } = await supportReport(sam, { weeks: "2" });
    expect(backlog.step).toBe("day");
    expect(backlog.points.map((point) => point.open)).toEqual([1, 1, 2, 3, 4, 5, 7, 7, 8]);
    expect(backlog.points.at(-1)!.endsAt.toISOString()).toBe(new Date(NOW).toISOString());
    const weekly = await supportReport(sam, { weeks: "8" });
    expect(weekly.backlog.step).toBe("week");
    expect(weekly.backlog.points.map((point) => point.open)).toEqual([0, 0, 0, 0, 0, 0, 7, 8]);
  });

  it("exports each table as CSV", async () => {
    const weeks = await supportReportCsv(sam, { weeks: "2", table: "weeks" });
    expect(weeks.table).toBe("weeks");
    expect(weeks.body.startsWith("\uFEFFweek_start,opened,resolved,first_response_median_hours,")).toBe(true);
    const lines = weeks.body.slice(1).split("\r\n");
    expect(lines[1]).toBe("2026-11-02,8,1,84.5,yes,1,7,0,13,7,84.5,yes,1,5,2,17,1,1,5,0,0,0");
    const staff = (await supportReportCsv(sam, { weeks: "2", table: "staff" })).body;
    expect(staff).toContain("\r\nsam-fixture,2,2,2,1,2,2,4\r\n");
    const backlog = (await supportReportCsv(sam, { weeks: "2", table: "backlog" })).body;
    expect(backlog).toContain("\r\n2026-11-10T12:30:00.000Z,8\r\n");
  });

  it("names the tags of the period's questions still waiting for a solution, not older ones", async () => {
    // A question from long before the report (an imported site's years of them), never solved.
    await at("2025-03-01T10:00:00Z");
    await makeThread(customer, { title: "An old question about the lights", tags: "lights" });
    await at(NOW);
    const twoWeeks = await supportReport(sam, { weeks: "2" });
    expect(twoWeeks.hotTags.map((row) => row.tag)).toEqual(["setup", "wifi"]);
    expect(twoWeeks.hotTags.find((row) => row.tag === "wifi")?.unresolved).toBe(
      twoWeeks.hotTags.find((row) => row.tag === "setup")?.unresolved,
    );
    expect((await supportReport(sam, { weeks: "26" })).hotTags.map((row) => row.tag)).not.toContain("lights");
  });

  it("is for staff only", async () => {
    await expect(supportReport(customer, {})).rejects.toThrow(ForbiddenError);
  });

  // Last: it adds follow-ups and staff to the fixture.
  it("runs a fixed number of queries, however many follow-ups and staff there are", async () => {
    const queries = await countQueries(() => supportReport(sam, { weeks: "26" }));
    expect(queries).toBeLessThanOrEqual(6);
    await at("2026-11-10T12:00:00Z");
    for (let i = 0; i < 3; i++) await asked(`2026-11-10T12:0${i}:00Z`);
    await makeUser("staff");
    await at(NOW);
    expect(await countQueries(() => supportReport(sam, { weeks: "26" }))).toBe(queries);
  });
});

describe("a follow-up reopened after a wait", () => {
  it("credits the wait to its resolution target and keeps its first response measured from the first asking", async () => {
    await createCategory({ slug: "reopen-fixture", name: "Reopen fixture" });
    const { followUpId } = await asked("2026-11-02T10:00:00Z", "reopen-fixture");
    await at("2026-11-02T20:00:00Z"); // a first response after 10 h, then 4 days waiting on the customer
    await replyOnFollowUp(sam, followUpId, { body: "Try this.", visibility: "private", then: "waiting" });
    await at("2026-11-06T20:00:00Z");
    await workOnFollowUp(sam, followUpId, { intent: "status", status: "resolved" });
    const [resolved] = await scriptDb().select().from(followUps).where(eq(followUps.id, followUpId));
    // Due 72 h after asking, plus the 96 h spent waiting: resolved well within it.
    expect(resolved.resolutionDueAt).toEqual(new Date("2026-11-09T10:00:00Z"));
    expect(resolved.waitedMs).toBe(96 * HOUR);
    await at("2026-11-07T09:00:00Z");
    await reopenFollowUp(customer, followUpId);
    await at(NOW);
    const report = await supportReport(sam, { weeks: "2", category: "reopen-fixture" });
    expect(report.total.firstResponse).toMatchObject({ medianMs: 10 * HOUR, met: 1, missed: 0 });
  });
});
