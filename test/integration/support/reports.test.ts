// Report figures on a fixture whose answers are worked out by hand (times in UTC).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setClock } from "~/lib/clock.server";
import { ForbiddenError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { supportReport, supportReportCsv, weekStart } from "~/models/support/reports.server";
import { rateFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { makeThread, makeUser } from "../../fixtures/factories";

const HOUR = 3600_000;
let customer: Member;
let staff: Member;

async function at(iso: string) {
  setClock(new Date(iso));
  await resetAllLimits();
}

/** A follow-up asked for at `opened`, first answered by staff at `firstReply`, resolved at `resolved`. */
async function followUp(opened: string, firstReply?: string, resolved?: string, rating?: number) {
  await at(opened);
  const { threadId } = await makeThread(customer, { title: `Fixture question opened ${opened}` });
  const { followUpId } = await requestFollowUp(customer, threadId);
  if (firstReply) {
    await at(firstReply);
    await replyOnFollowUp(staff, followUpId, { body: "Looking into it.", visibility: "private", then: "open" });
  }
  if (resolved) {
    await at(resolved);
    await workOnFollowUp(staff, followUpId, { intent: "status", status: "resolved" });
  }
  if (rating) await rateFollowUp(customer, followUpId, { rating: String(rating) });
  return followUpId;
}

beforeAll(async () => {
  customer = await makeUser("customer");
  staff = await makeUser("staff");
  // Week of Monday 2 November.
  await followUp("2026-11-02T10:00:00Z", "2026-11-02T12:00:00Z", "2026-11-03T10:00:00Z", 5); // A: 2 h, 24 h, within target, rated 5
  await followUp("2026-11-02T11:00:00Z", "2026-11-03T15:00:00Z", "2026-11-04T11:00:00Z"); // B: 28 h (late), 48 h, not rated
  await followUp("2026-11-04T09:00:00Z"); // C: still open
  // Week of Monday 9 November.
  await followUp("2026-11-09T10:00:00Z", "2026-11-09T11:00:00Z", "2026-11-09T14:00:00Z", 3); // D: 1 h, 4 h, rated 3
  await at("2026-11-10T12:00:00Z");
});
afterAll(() => setClock(null));

describe("support reports", () => {
  it("starts weeks on Monday, UTC", () => {
    expect(weekStart(new Date("2026-11-08T23:59:00Z")).toISOString()).toBe("2026-11-02T00:00:00.000Z");
    expect(weekStart(new Date("2026-11-09T00:00:00Z")).toISOString()).toBe("2026-11-09T00:00:00.000Z");
  });

  it("computes each week's figures", async () => {
    const report = await supportReport(staff, { weeks: "2" });
    const [first, second] = report.weeks;
    expect(first.weekStart.toISOString()).toBe("2026-11-02T00:00:00.000Z");
    expect(first.all).toEqual({
      opened: 3,
      resolved: 2,
      medianFirstResponseMs: 15 * HOUR,
      medianResolutionMs: 36 * HOUR,
      withinTargetShare: 0.5,
      satisfactionAverage: 5,
      surveyResponseRate: 0.5,
    });
    expect(second.all).toEqual({
      opened: 1,
      resolved: 1,
      medianFirstResponseMs: 1 * HOUR,
      medianResolutionMs: 4 * HOUR,
      withinTargetShare: 1,
      satisfactionAverage: 3,
      surveyResponseRate: 1,
    });
    expect(report.total).toMatchObject({
      opened: 4,
      resolved: 3,
      medianFirstResponseMs: 2 * HOUR,
      satisfactionAverage: 4,
    });
    expect(report.total.withinTargetShare).toBeCloseTo(2 / 3);
    expect(report.byCategory.find((category) => category.slug === "general")).toMatchObject({ opened: 4, resolved: 3 });
    expect(report.hotTags).toEqual(expect.arrayContaining([{ tag: "wifi", unresolved: 4 }]));
  });

  it("exports the same figures as CSV", async () => {
    const lines = (await supportReportCsv(staff, { weeks: "2" })).trim().split("\n");
    expect(lines[0]).toBe(
      "week_start,category,opened,resolved,median_first_response_hours,median_resolution_hours,within_target_percent,satisfaction_average,survey_response_percent",
    );
    expect(lines).toContain("2026-11-02,all,3,2,15.0,36.0,50,5.00,50");
    expect(lines).toContain("2026-11-09,all,1,1,1.0,4.0,100,3.00,100");
  });

  it("is for staff only", async () => {
    await expect(supportReport(customer, {})).rejects.toThrow(ForbiddenError);
  });
});
