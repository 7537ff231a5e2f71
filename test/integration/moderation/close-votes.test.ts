// Close votes: leaders vote a question closed; three votes close it (issue 16).
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { auditLog, threads } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { ConflictError, ForbiddenError, ValidationError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { TRUST } from "~/lib/trust-levels";
import { getThreadPage } from "~/models/community/thread-page.server";
import { castCloseVote, retractCloseVote } from "~/models/moderation/close-votes.server";
import { moderateThread } from "~/models/moderation/threads.server";
import { makeThread, makeUser } from "../../fixtures/factories";

let asker: Member;
let leaders: Member[];
let regular: Member;
let staff: Member;

beforeEach(async () => {
  asker = await makeUser("customer");
  leaders = [];
  for (let i = 0; i < 4; i++) leaders.push(await makeUser("member", { trustLevel: TRUST.leader }));
  regular = await makeUser("member", { trustLevel: TRUST.regular });
  staff = await makeUser("staff");
  await resetAllLimits();
});

const errorOf = (work: Promise<unknown>) =>
  work.then(
    () => null,
    (error: unknown) => error,
  );
const statusOf = async (threadId: number) =>
  (
    await scriptDb()
      .select({ status: threads.status, reason: threads.closedReason })
      .from(threads)
      .where(eq(threads.id, threadId))
  )[0];

describe("close votes", () => {
  it("close a question at the third leader's vote, with the reason most gave, audited", async () => {
    const { threadId } = await makeThread(asker);
    expect(await castCloseVote(leaders[0], threadId, { reason: "off_topic" })).toEqual({ votes: 1, closed: false });
    expect(await castCloseVote(leaders[1], threadId, { reason: "needs_details" })).toEqual({ votes: 2, closed: false });
    const page = await getThreadPage(leaders[1], threadId);
    expect(page.closeVotes).toEqual({ count: 2, needed: 3, mine: "needs_details" });
    expect(page.can.canVoteToClose).toBe(true);
    expect((await getThreadPage(asker, threadId)).closeVotes).toMatchObject({ count: 2, mine: null });
    expect(await castCloseVote(leaders[2], threadId, { reason: "needs_details" })).toEqual({ votes: 3, closed: true });
    expect(await statusOf(threadId)).toEqual({
      status: "closed",
      reason: "Needs details or clarity to be answered (closed by 3 community votes)",
    });
    const [entry] = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "thread.close-by-vote"), eq(auditLog.subjectId, threadId)));
    expect(entry.actorId).toBe(leaders[2].id);
    // Closed: no more votes.
    expect(await errorOf(castCloseVote(leaders[3], threadId, { reason: "off_topic" }))).toBeInstanceOf(ForbiddenError);
  });

  it("are for leaders only, say what unlocks them, and staff close directly", async () => {
    const { threadId } = await makeThread(asker);
    const refused = await errorOf(castCloseVote(regular, threadId, { reason: "off_topic" }));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).toMatch(/Leader trust level/);
    expect((await getThreadPage(regular, threadId)).can.canVoteToClose).toBe(false);
    expect(((await errorOf(castCloseVote(staff, threadId, { reason: "off_topic" }))) as Error).message).toBe(
      "Staff close questions directly.",
    );
    expect(await errorOf(castCloseVote(leaders[0], threadId, { reason: "boring" }))).toBeInstanceOf(ValidationError);
  });

  it("count once per person, can be taken back while open, and start again when staff reopen", async () => {
    const { threadId } = await makeThread(asker);
    await castCloseVote(leaders[0], threadId, { reason: "off_topic" });
    expect(await errorOf(castCloseVote(leaders[0], threadId, { reason: "off_topic" }))).toBeInstanceOf(ConflictError);
    expect(await retractCloseVote(leaders[0], threadId)).toEqual({ votes: 0 });
    expect(await errorOf(retractCloseVote(leaders[0], threadId))).toBeInstanceOf(ConflictError);
    for (const leader of leaders.slice(0, 3)) await castCloseVote(leader, threadId, { reason: "answered_elsewhere" });
    expect((await statusOf(threadId)).status).toBe("closed");
    await moderateThread(staff, threadId, { action: "reopen" });
    expect((await getThreadPage(asker, threadId)).closeVotes.count).toBe(0);
    expect(await castCloseVote(leaders[0], threadId, { reason: "off_topic" })).toEqual({ votes: 1, closed: false });
  });
});
