// The satisfaction question asks about whoever helped: support when staff replied, the community
// when a peer's answer solved it without a staff reply, nobody when nobody replied.
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { followUpSurveys, followUps, notifications } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { ValidationError } from "~/lib/errors.server";
import { scriptDb } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { markSolution } from "~/models/community/solutions.server";
import { getFollowUpPage } from "~/models/support/queue.server";
import { rateFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const START = new Date("2026-11-02T09:00:00Z");
let clock = START.getTime();
const later = () => setClock(new Date((clock += 60_000)));

let customer: Member;
let member: Member;
let staff: Member;

beforeAll(async () => {
  customer = await makeUser("customer");
  member = await makeUser("member");
  staff = await makeUser("staff");
});
beforeEach(async () => {
  await resetAllLimits();
  // A new customer per test: the survey email goes at most once a week per customer.
  customer = await makeUser("customer");
  later();
});
afterEach(() => setClock(null));

async function followUp() {
  const { threadId } = await makeThread(customer, { title: `Question ${clock}` });
  later();
  return { threadId, followUpId: (await requestFollowUp(customer, threadId)).followUpId };
}

const stateOf = async (followUpId: number) => ({
  resolution: (await scriptDb().select().from(followUps).where(eq(followUps.id, followUpId)))[0].resolution,
  survey: (await scriptDb().select().from(followUpSurveys).where(eq(followUpSurveys.followUpId, followUpId)))[0]?.kind,
  told: (await scriptDb().select().from(notifications).where(eq(notifications.userId, customer.id))).map(
    (row) => `${row.kind}: ${row.title} | ${row.emailText ?? ""}`,
  ),
});

describe("the satisfaction question", () => {
  it("asks how well support helped when staff replied, then resolved", async () => {
    const { followUpId } = await followUp();
    later();
    await replyOnFollowUp(staff, followUpId, { body: "Try channel 6.", visibility: "private", then: "resolved" });
    const state = await stateOf(followUpId);
    expect(state.resolution).toBe("staff");
    expect(state.survey).toBe("support");
    expect(state.told).toContainEqual(expect.stringMatching(/^survey: How did we do\?.*how well did we help\?/));
  });

  it("asks whether the community's answer solved it when a peer's accepted answer resolved it without a staff reply", async () => {
    const { threadId, followUpId } = await followUp();
    later();
    const { postId } = await makeAnswer(member, threadId, "Restart the router first.");
    later();
    await markSolution(customer, postId, "accepted");
    const state = await stateOf(followUpId);
    expect(state.resolution).toBe("accepted-answer");
    expect(state.survey).toBe("community");
    expect(state.told.join("\n")).not.toMatch(/how well did we help/i);
    expect(state.told).toContainEqual(
      expect.stringMatching(/^survey: Did it work\?.*did the community's answer solve it\?/),
    );

    // The page asks the community question; the answer is stored as 5 (yes) or 1 (no).
    const page = await getFollowUpPage(customer, followUpId);
    expect(page.survey).toMatchObject({ kind: "community", canAnswer: true });
    await expect(rateFollowUp(customer, followUpId, { rating: "3" })).rejects.toThrow(ValidationError);
    await rateFollowUp(customer, followUpId, { rating: "5" });
    // The same answer again (a double click) is done already; another one is refused.
    await rateFollowUp(customer, followUpId, { rating: "5" });
    await expect(rateFollowUp(customer, followUpId, { rating: "1" })).rejects.toThrow(
      "You have already rated this follow-up.",
    );
    const answered = await getFollowUpPage(customer, followUpId);
    expect(answered.survey).toMatchObject({ kind: "community", rating: 5 });
    expect(answered.events.filter((event) => event.text.includes("community's answer solved it"))).toHaveLength(1);
    // The timeline says what the customer said, not a score out of 5.
    const said = answered.events.map((event) => event.text).join("\n");
    expect(said).toContain("You told us the community's answer solved it");
    expect(said).not.toMatch(/of 5/);
  });

  it("asks about support when the accepted answer was staff's own", async () => {
    const { threadId, followUpId } = await followUp();
    later();
    const { postId } = await makeAnswer(staff, threadId, "Update to 4.2.1.");
    later();
    await markSolution(customer, postId, "accepted");
    expect(await stateOf(followUpId)).toMatchObject({ resolution: "accepted-answer", survey: "support" });
  });

  it("asks the community question when staff verify a peer's answer without replying", async () => {
    const { threadId, followUpId } = await followUp();
    later();
    const { postId } = await makeAnswer(member, threadId, "Hold reset for ten seconds.");
    later();
    await markSolution(staff, postId, "verified");
    expect(await stateOf(followUpId)).toMatchObject({ resolution: "verified-solution", survey: "community" });
  });

  it("asks nothing when staff close it without a reply, and asks later once staff have replied", async () => {
    const { followUpId } = await followUp();
    later();
    await workOnFollowUp(staff, followUpId, { intent: "status", status: "resolved" });
    const closed = await stateOf(followUpId);
    expect(closed).toMatchObject({ resolution: "staff", survey: undefined });
    expect(closed.told).toContainEqual(expect.stringMatching(/^follow-up-resolved: Resolved: /));
    later();
    await workOnFollowUp(staff, followUpId, { intent: "status", status: "open" });
    expect((await stateOf(followUpId)).resolution).toBeNull();
    later();
    await replyOnFollowUp(staff, followUpId, { body: "Here is the fix.", visibility: "thread", then: "resolved" });
    expect(await stateOf(followUpId)).toMatchObject({ resolution: "staff", survey: "support" });
  });
});
