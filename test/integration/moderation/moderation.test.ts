// Moderation on a real SQLite file: flags and the hide threshold, held posts per role, staff
// decisions and the queue, suspensions, thread actions, customer domains and the audit log.
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog, flags, moderationSettings, posts, sessions, tags, threads, users } from "../../../db/schema";
import { startSession } from "~/models/accounts/auth.server";
import { setClock } from "~/lib/clock.server";
import { scriptDb, firstRow, rawRun } from "~/lib/db.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/lib/errors.server";
import { VISITOR, type Actor, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { disciplineCounts, listAuditLog } from "~/models/shared/audit.server";
import { decideOnPost, listReviewQueue } from "~/models/moderation/review.server";
import { flagPost } from "~/models/moderation/flags.server";
import { listNotifications, openNotification } from "~/models/notifications/notifications.server";
import { getModerationSettings, updateModerationSettings } from "~/models/moderation/settings.server";
import { postAnswer } from "~/models/community/posts.server";
import {
  addLexiconEntry,
  listLexicon,
  replyCoachForThread,
  updateLexiconEntry,
} from "~/models/support/reply-lexicon.server";
import { searchSite } from "~/models/search/search.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { replyOnFollowUp } from "~/models/support/messages.server";
import { escalateThread } from "~/models/support/opening.server";
import { castVote } from "~/models/community/votes.server";
import { moderateThread } from "~/models/moderation/threads.server";
import { askQuestion, listThreads } from "~/models/community/threads.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import {
  addCustomerDomain,
  grantCustomerRole,
  suspendUser,
  unsuspendUser,
  warnUser,
} from "~/models/moderation/users.server";
import { signUp } from "~/models/accounts/sign-up.server";
import { makeAnswer, makeThread, makeUser, holdNewMembers, stopHoldingNewMembers } from "../../fixtures/factories";
import { fieldErrorsOf, rejectionMessage } from "../../fixtures/errors";
import { changeSupportPolicy } from "~/models/support/policies.server";

const listQuery = { filter: "all", sort: "newest", page: 1 } as const;

/** The actor as the session would load it now (role and suspension read fresh). */
async function reload(member: Member): Promise<Member> {
  const row = firstRow(
    await scriptDb()
      .select({ role: users.role, suspendedUntil: users.suspendedUntil })
      .from(users)
      .where(eq(users.id, member.id)),
  )!;
  return { ...member, ...row };
}

const answerIds = async (actor: Actor, threadId: number) =>
  (await getThreadPage(actor, threadId)).answers.map((answer) => answer.id);
const stateOf = async (postId: number) =>
  firstRow(await scriptDb().select({ state: posts.moderationState }).from(posts).where(eq(posts.id, postId)))!.state;
const answerCount = async (threadId: number) =>
  firstRow(await scriptDb().select({ n: threads.answerCount }).from(threads).where(eq(threads.id, threadId)))!.n;
const search = async (actor: Actor, q: string) =>
  (await searchSite(actor, { q })).hits.map((hit) => (hit.type === "question" ? hit.id : -1));
const auditActions = async () =>
  await scriptDb()
    .select({ action: auditLog.action, actorId: auditLog.actorId, reason: auditLog.reason })
    .from(auditLog);

let admin: Member;
let staff: Member;
let customer: Member;

beforeEach(async () => {
  await resetAllLimits();
  admin = await makeUser("admin");
  staff = await makeUser("staff");
  customer = await makeUser("customer");
});
afterEach(async () => {
  setClock(null);
  // Back to the test template's settings (holding off, the default threshold) for the next test.
  await scriptDb().update(moderationSettings).set({ flagHideThreshold: 3 });
  await stopHoldingNewMembers();
});

describe("flags", () => {
  it("hides a post once flags from three different people are open, and not before", async () => {
    const { threadId } = await makeThread(customer);
    const { postId } = await makeAnswer(customer, threadId, "Visit my shop for cheap hubs.");
    const [first, second, third] = [await makeUser(), await makeUser(), await makeUser()];
    expect((await getModerationSettings()).flagHideThreshold).toBe(3);

    expect(await flagPost(first, postId, { reason: "spam" })).toMatchObject({ hidden: false });
    await expect(flagPost(first, postId, { reason: "spam" })).rejects.toThrow(ConflictError);
    expect(await flagPost(second, postId, { reason: "rude" })).toMatchObject({ hidden: false });
    expect(await answerIds(VISITOR, threadId)).toContain(postId);
    expect(await answerCount(threadId)).toBe(1);

    expect(await flagPost(third, postId, { reason: "spam" })).toMatchObject({ hidden: true });
    expect(await stateOf(postId)).toBe("hidden");
    expect(await answerIds(VISITOR, threadId)).not.toContain(postId);
    expect(await answerIds(first, threadId)).not.toContain(postId);
    expect(await answerIds(customer, threadId)).toContain(postId); // its author, marked as hidden
    expect(await answerIds(staff, threadId)).toContain(postId);
    expect(await answerCount(threadId)).toBe(0);
    const hide = (await auditActions()).find((entry) => entry.action === "post.hide")!;
    expect(hide.actorId).toBeNull();
    expect(hide.reason).toBe("Hidden automatically after 3 flags (spam, rude or abusive, spam)");
  });

  it("follows the admin's threshold, hides at once on a staff flag, and validates flags", async () => {
    const { threadId } = await makeThread(customer);
    const answer = await makeAnswer(customer, threadId);
    await expect(updateModerationSettings(staff, { flagHideThreshold: "2" })).rejects.toThrow(ForbiddenError);
    await expect(updateModerationSettings(admin, { flagHideThreshold: "0" })).rejects.toThrow(ValidationError);
    await updateModerationSettings(admin, { flagHideThreshold: "2" });
    expect(await getModerationSettings()).toEqual({ flagHideThreshold: 2 });
    expect((await auditActions()).map((entry) => entry.action)).toContain("settings.update");

    await flagPost(await makeUser(), answer.postId, { reason: "off_topic" });
    expect(await flagPost(await makeUser(), answer.postId, { reason: "off_topic" })).toMatchObject({ hidden: true });

    const other = await makeAnswer(customer, threadId, "Another answer.");
    expect(await flagPost(staff, other.postId, { reason: "rude" })).toMatchObject({ hidden: true });
    expect(
      (await auditActions()).find((entry) => entry.action === "post.hide" && entry.actorId === staff.id)?.reason,
    ).toBe("Flagged by staff: rude or abusive");

    const member = await makeUser();
    const third = await makeAnswer(staff, threadId, "A third answer.");
    await expect(flagPost(member, third.postId, { reason: "other" })).rejects.toThrow(ValidationError);
    await expect(flagPost(member, third.postId, { reason: "made-up" })).rejects.toThrow(ValidationError);
    await expect(flagPost(staff, third.postId, { reason: "spam" })).rejects.toThrow(ForbiddenError);
    await expect(flagPost(VISITOR, third.postId, { reason: "spam" })).rejects.toThrow(ForbiddenError);
    await expect(flagPost(member, 999_999, { reason: "spam" })).rejects.toThrow(NotFoundError);
    expect(await flagPost(member, third.postId, { reason: "other", note: "Contains a phone number." })).toMatchObject({
      hidden: false,
    });
  });
});

describe("held posts", () => {
  it("holds a new member's first two posts for approval: seen by the author and staff only", async () => {
    await holdNewMembers();
    const newcomer = await makeUser("member");
    const other = await makeUser("member");
    const { threadId, held } = await makeThread(newcomer, { title: "Porch camera keeps dropping off the network" });
    expect(held).toBe(true);

    // The thread does not exist for anyone else: page, lists, search.
    await expect(getThreadPage(VISITOR, threadId)).rejects.toThrow(NotFoundError);
    await expect(getThreadPage(other, threadId)).rejects.toThrow(NotFoundError);
    expect((await getThreadPage(newcomer, threadId)).question.moderationState).toBe("held");
    expect((await getThreadPage(staff, threadId)).question.moderationState).toBe("held");
    expect((await listThreads(VISITOR, listQuery)).threads.map((t) => t.id)).not.toContain(threadId);
    expect(await search(VISITOR, "porch camera")).not.toContain(threadId);

    // Nobody else can answer it yet; once approved, a customer's answer is not held, and the
    // newcomer's (their second post, the first approved) is, and does not count until approved.
    await expect(postAnswer(customer, threadId, { body: "Move the camera closer to the hub." })).rejects.toThrow(
      NotFoundError,
    );
    const questionId = (await getThreadPage(staff, threadId)).question.id;
    await decideOnPost(staff, questionId, { decision: "approve" });
    expect(await search(VISITOR, "porch camera")).toContain(threadId);
    expect((await postAnswer(customer, threadId, { body: "Move the camera closer to the hub." })).held).toBe(false);
    // Below the basic trust level links are refused outright (no longer held with a flag).
    expect(
      await fieldErrorsOf(() =>
        postAnswer(newcomer, threadId, { body: "Thanks, see [my photo](https://example.net/photo)." }),
      ),
    ).toHaveProperty("body", expect.stringContaining("Unlocked at the Basic trust level"));
    const newcomersAnswer = await postAnswer(newcomer, threadId, { body: "Thanks, moving it closer fixed it." });
    expect(newcomersAnswer.held).toBe(true);
    expect(await answerCount(threadId)).toBe(1);
    expect(await scriptDb().select().from(flags).where(eq(flags.postId, newcomersAnswer.postId))).toEqual([]);
    await expect(castVote(other, newcomersAnswer.postId, { value: "1" })).rejects.toThrow(NotFoundError);

    const queue = (await listReviewQueue(staff)).items;
    expect(queue.map((item) => item.id)).toEqual(expect.arrayContaining([newcomersAnswer.postId]));
    await expect(listReviewQueue(other)).rejects.toThrow(ForbiddenError);

    // Approval makes it visible and counted; after two approvals the newcomer is at the basic trust
    // level, and the next post is visible at once.
    expect(await answerIds(other, threadId)).not.toContain(newcomersAnswer.postId);
    expect(await answerIds(newcomer, threadId)).toContain(newcomersAnswer.postId);
    await decideOnPost(staff, newcomersAnswer.postId, { decision: "approve" });
    expect(await answerIds(VISITOR, threadId)).toContain(newcomersAnswer.postId);
    expect(await answerCount(threadId)).toBe(2);
    expect((await listReviewQueue(staff)).items.map((item) => item.id)).not.toContain(newcomersAnswer.postId);
    expect((await postAnswer(newcomer, threadId, { body: "Fixed now, thank you!" })).held).toBe(false);
  });
});

describe("staff decisions and the queue", () => {
  it("deletes softly, restores, keeps tag counts and lists the queue oldest first with author history", async () => {
    const author = await makeUser("member");
    setClock(new Date("2026-11-01T10:00:00Z"));
    const older = await makeThread(author, { title: "Thermostat schedule resets every night", tags: "setup" });
    setClock(new Date("2026-11-02T10:00:00Z"));
    const newer = await makeThread(author, { title: "Door sensor reports open when it is shut", tags: "setup" });
    const olderQuestion = (await getThreadPage(staff, older.threadId)).question.id;
    const newerQuestion = (await getThreadPage(staff, newer.threadId)).question.id;
    const setupCount = async () =>
      firstRow(await scriptDb().select({ n: tags.threadCount }).from(tags).where(eq(tags.name, "setup")))!.n;
    const before = await setupCount();

    setClock(new Date("2026-11-03T10:00:00Z"));
    await flagPost(customer, newerQuestion, { reason: "spam" });
    setClock(new Date("2026-11-03T11:00:00Z"));
    await flagPost(customer, olderQuestion, { reason: "needs_staff" });
    const queue = (await listReviewQueue(staff)).items.filter((item) => item.authorId === author.id);
    expect(queue.map((item) => item.id)).toEqual([newerQuestion, olderQuestion]);
    expect(queue[0].flags.map((flag) => flag.reason)).toEqual(["spam"]);
    expect(queue[0].authorHistory).toMatchObject({ visible: 2, hidden: 0, warnings: 0 });

    await decideOnPost(staff, newerQuestion, { decision: "delete", reason: "Advertising" });
    await expect(getThreadPage(author, newer.threadId)).rejects.toThrow(NotFoundError);
    expect((await getThreadPage(staff, newer.threadId)).question.moderationState).toBe("deleted");
    expect(await setupCount()).toBe(before - 1);
    expect(await search(VISITOR, "door sensor")).not.toContain(newer.threadId);

    await warnUser(staff, author.username, { message: "Please do not advertise." });
    await flagPost(await makeUser(), olderQuestion, { reason: "spam" });
    expect((await listReviewQueue(staff)).items.find((item) => item.id === olderQuestion)?.authorHistory).toMatchObject(
      {
        visible: 1,
        deleted: 1,
        warnings: 1,
      },
    );

    await decideOnPost(staff, newerQuestion, { decision: "restore" });
    expect((await getThreadPage(VISITOR, newer.threadId)).question.moderationState).toBe("visible");
    expect(await setupCount()).toBe(before);
    expect(await search(VISITOR, "door sensor")).toContain(newer.threadId);
    await expect(decideOnPost(customer, olderQuestion, { decision: "hide" })).rejects.toThrow(ForbiddenError);
    await expect(decideOnPost(staff, olderQuestion, { decision: "burn" })).rejects.toThrow(ValidationError);
  });
});

describe("what the author hears of a staff decision", () => {
  it("links to the post at its thread's full address, so the page opens at the post without a redirect that would lose it", async () => {
    const author = await makeUser("member");
    const thread = await makeThread(customer, { title: "Hub loses its pairing after every update" });
    const answer = await makeAnswer(author, thread.threadId, "Re-pair it from the app's device list.");
    await decideOnPost(staff, answer.postId, { decision: "hide", reason: "Unsafe advice" });
    const told = (await listNotifications(author)).filter((row) => row.kind === "moderation");
    expect(told).toHaveLength(1);
    expect(await openNotification(author, told[0].id)).toBe(
      `/questions/${thread.threadId}/${thread.slug}#post-${answer.postId}`,
    );
  });
});

describe("disciplineCounts", () => {
  it("counts the warnings and suspensions of the people asked about, and nobody else's", async () => {
    const [warned, both, other] = [await makeUser("member"), await makeUser("member"), await makeUser("member")];
    setClock(new Date("2026-11-23T12:00:00Z"));
    await warnUser(staff, warned.username, { message: "First warning." });
    await warnUser(staff, warned.username, { message: "Second warning." });
    await warnUser(staff, both.username, { message: "A warning." });
    await suspendUser(staff, both.username, { until: "2026-11-30", reason: "Spamming links" });
    await warnUser(staff, other.username, { message: "Not asked about." });

    const counts = await disciplineCounts([warned.id, both.id, customer.id]);
    expect(Object.fromEntries(counts)).toEqual({
      [warned.id]: { warnings: 2, suspensions: 0 },
      [both.id]: { warnings: 1, suspensions: 1 },
    });
    expect(await disciplineCounts([])).toEqual(new Map());
  });
});

describe("suspension", () => {
  it("lets a suspended account read but not write, ends its sessions, and lifts cleanly", async () => {
    const member = await makeUser("member");
    const { threadId } = await makeThread(customer);
    const { postId } = await makeAnswer(customer, threadId);
    await startSession(member.id, { secure: false });
    setClock(new Date("2026-11-23T12:00:00Z"));

    await expect(suspendUser(staff, member.username, { until: "2026-11-20", reason: "x" })).rejects.toThrow(
      ValidationError,
    );
    await expect(suspendUser(staff, member.username, { until: "2026-11-30", reason: "" })).rejects.toThrow(
      ValidationError,
    );
    await expect(suspendUser(customer, member.username, { until: "2026-11-30", reason: "x" })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(suspendUser(staff, admin.username, { until: "2026-11-30", reason: "x" })).rejects.toThrow(
      ForbiddenError,
    );
    await suspendUser(staff, member.username, { until: "2026-11-30", reason: "Spamming links" });
    expect(await scriptDb().select().from(sessions).where(eq(sessions.userId, member.id))).toEqual([]);

    const suspended = await reload(member);
    expect(suspended.suspendedUntil?.toISOString()).toBe("2026-11-30T23:59:59.999Z");
    expect((await getThreadPage(suspended, threadId)).thread.id).toBe(threadId);
    await expect(
      askQuestion(suspended, { title: "A question while suspended", body: "Hello", category: "general" }),
    ).rejects.toThrow(ForbiddenError);
    await expect(postAnswer(suspended, threadId, { body: "An answer while suspended" })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(castVote(suspended, postId, { value: "1" })).rejects.toThrow(ForbiddenError);
    await expect(flagPost(suspended, postId, { reason: "spam" })).rejects.toThrow(ForbiddenError);

    // The suspension ends by itself at the end of its last day.
    setClock(new Date("2026-12-01T00:00:01Z"));
    expect((await postAnswer(await reload(member), threadId, { body: "Back again." })).postId).toBeGreaterThan(0);

    setClock(new Date("2026-11-24T12:00:00Z"));
    await suspendUser(staff, member.username, { until: "2026-12-24", reason: "Again" });
    await unsuspendUser(staff, member.username);
    await expect(unsuspendUser(staff, member.username)).rejects.toThrow(ConflictError);
    expect((await postAnswer(await reload(member), threadId, { body: "Unsuspended." })).held).toBe(false);
    const log = (await listAuditLog(staff, { subject: "user", subjectId: member.id, page: 1 })).entries;
    expect(log.map((entry) => entry.action)).toEqual(["user.unsuspend", "user.suspend", "user.suspend"]);
    expect(log[1].after).toEqual({ suspendedUntil: "2026-12-24T23:59:59.999Z" });
  });
});

describe("thread actions", () => {
  it("locks, closes with a reason, reopens, moves, retags and pins, logging each with before and after", async () => {
    const member = await makeUser("member");
    const { threadId } = await makeThread(customer, { title: "Hub loses its schedule after a reboot", tags: "setup" });

    await moderateThread(staff, threadId, { action: "lock", reason: "Heated" });
    await expect(postAnswer(member, threadId, { body: "Locked out?" })).rejects.toThrow(ForbiddenError);
    expect((await postAnswer(staff, threadId, { body: "Staff can still answer." })).held).toBe(false);
    await moderateThread(staff, threadId, { action: "unlock" });
    expect((await postAnswer(member, threadId, { body: "Answer after unlocking." })).held).toBe(false);

    await expect(moderateThread(staff, threadId, { action: "close", reason: "" })).rejects.toThrow(ValidationError);
    await moderateThread(staff, threadId, { action: "close", reason: "Solved by firmware 4.3" });
    expect((await getThreadPage(VISITOR, threadId)).thread).toMatchObject({
      status: "closed",
      closedReason: "Solved by firmware 4.3",
    });
    await moderateThread(staff, threadId, { action: "reopen" });
    expect((await getThreadPage(VISITOR, threadId)).thread).toMatchObject({ status: "answered", closedReason: null });

    await moderateThread(staff, threadId, { action: "move", category: "billing" });
    expect((await getThreadPage(VISITOR, threadId)).thread.categorySlug).toBe("billing");
    expect(
      (await searchSite(VISITOR, { q: "schedule reboot", category: "billing" })).hits.map((hit) => hit.id),
    ).toContain(threadId);
    await expect(moderateThread(staff, threadId, { action: "move", category: "nowhere" })).rejects.toThrow(
      ValidationError,
    );

    await moderateThread(staff, threadId, { action: "retag", tags: "firmware, wifi" });
    expect((await getThreadPage(VISITOR, threadId)).thread.tags).toEqual(["firmware", "wifi"]);
    await expect(moderateThread(staff, threadId, { action: "retag", tags: "no-such-tag" })).rejects.toThrow(
      ValidationError,
    );

    await moderateThread(staff, threadId, { action: "pin" });
    const list = await listThreads(VISITOR, listQuery);
    expect(list.pinned.map((t) => t.id)).toEqual([threadId]);
    expect(list.threads.map((t) => t.id)).not.toContain(threadId);
    expect((await listThreads(VISITOR, { ...listQuery, page: 2 })).pinned).toEqual([]);
    // Short lists (the home page's) keep pinned threads in their place instead.
    expect((await listThreads(VISITOR, listQuery, 5, { pinnedFirst: false })).threads.map((t) => t.id)).toContain(
      threadId,
    );

    await expect(moderateThread(member, threadId, { action: "pin" })).rejects.toThrow(ForbiddenError);
    await expect(moderateThread(staff, threadId, { action: "explode" })).rejects.toThrow(ValidationError);

    const log = (await listAuditLog(staff, { subject: "thread", subjectId: threadId, page: 1 })).entries.reverse();
    expect(log.map((entry) => entry.action)).toEqual([
      "thread.lock",
      "thread.unlock",
      "thread.close",
      "thread.reopen",
      "thread.move",
      "thread.retag",
      "thread.pin",
    ]);
    expect(log[4]).toMatchObject({
      before: { category: "general" },
      after: { category: "billing" },
      actor: staff.username,
    });
    expect(log[5]).toMatchObject({ before: { tags: "setup" }, after: { tags: "firmware, wifi" } });
    expect(log[2].reason).toBe("Solved by firmware 4.3");
  });

  it("closes a duplicate pointing at the original, and search ranks the original first", async () => {
    const original = await makeThread(customer, {
      title: "Garage door sensor eats batteries",
      body: "Since I fitted it last month, the little sensor on the garage door needs a new battery every single week, far more often than the two years the box promised. Is this normal?",
    });
    const duplicate = await makeThread(customer, {
      title: "Garage door sensor battery drains in a week",
      body: "Garage door sensor battery drains in a week, garage door sensor battery drains.",
    });
    const ranked = await search(VISITOR, "garage door sensor battery");
    expect(ranked.indexOf(duplicate.threadId)).toBeLessThan(ranked.indexOf(original.threadId));

    await expect(
      moderateThread(staff, duplicate.threadId, { action: "duplicate", original: String(duplicate.threadId) }),
    ).rejects.toThrow(ValidationError);
    await expect(
      moderateThread(staff, duplicate.threadId, { action: "duplicate", original: "not a thread" }),
    ).rejects.toThrow(ValidationError);
    await moderateThread(staff, duplicate.threadId, {
      action: "duplicate",
      original: `https://hearth.example/questions/${original.threadId}/garage`,
    });
    const page = await getThreadPage(VISITOR, duplicate.threadId);
    expect(page.thread.status).toBe("closed");
    expect(page.thread.duplicateOf).toMatchObject({ id: original.threadId });

    const reranked = await search(VISITOR, "garage door sensor battery");
    expect(reranked.indexOf(original.threadId)).toBeLessThan(reranked.indexOf(duplicate.threadId));

    // A duplicate of the duplicate points straight at the original.
    const third = await makeThread(customer, { title: "Garage sensor battery flat again already" });
    await moderateThread(staff, third.threadId, { action: "duplicate", original: String(duplicate.threadId) });
    expect((await getThreadPage(VISITOR, third.threadId)).thread.duplicateOf?.id).toBe(original.threadId);
  });
});

describe("roles and customer domains", () => {
  it("grants the customer role singly, and by email domain to confirmed addresses only", async () => {
    const existing = await makeUser("member", { email: `ops-${Date.now()}@acme-homes.test` });
    const other = await makeUser("member");
    const unconfirmed = await makeUser("member", { email: `new-${Date.now()}@acme-homes.test` });
    await scriptDb().update(users).set({ emailConfirmedAt: null }).where(eq(users.id, unconfirmed.id));
    await expect(addCustomerDomain(staff, { domain: "acme-homes.test" })).rejects.toThrow(ForbiddenError);
    await expect(addCustomerDomain(admin, { domain: "not a domain" })).rejects.toThrow(ValidationError);
    expect(await addCustomerDomain(admin, { domain: "@ACME-homes.test" })).toEqual({
      domain: "acme-homes.test",
      upgraded: 1,
    });
    await expect(addCustomerDomain(admin, { domain: "acme-homes.test" })).rejects.toThrow(ValidationError);
    expect((await reload(existing)).role).toBe("customer");
    expect((await reload(other)).role).toBe("member");
    expect((await reload(unconfirmed)).role).toBe("member");

    // A new account's address is unconfirmed: the domain's role waits for the link (accounts-http.test.ts).
    await signUp(
      { email: "new.person@acme-homes.test", username: `acme-${Date.now() % 100000}`, password: "a long walk home" },
      { address: "203.0.113.9" },
    );
    expect(
      firstRow(
        await scriptDb()
          .select({ role: users.role, emailConfirmedAt: users.emailConfirmedAt })
          .from(users)
          .where(eq(users.email, "new.person@acme-homes.test")),
      ),
    ).toEqual({ role: "member", emailConfirmedAt: null });

    await grantCustomerRole(admin, { who: other.username });
    expect((await reload(other)).role).toBe("customer");
    await expect(grantCustomerRole(admin, { who: other.username })).rejects.toThrow(ValidationError);
    await expect(grantCustomerRole(admin, { who: "nobody@nowhere.test" })).rejects.toThrow(ValidationError);
    const roleChanges = (await listAuditLog(admin, { action: "user.role", page: 1 })).entries;
    expect(roleChanges[0]).toMatchObject({
      subjectLabel: other.username,
      before: { role: "member" },
      after: { role: "customer" },
    });
  });
});

describe("audit log", () => {
  it("cannot be changed or deleted, is for staff only, and filters by actor, action and subject", async () => {
    const { threadId } = await makeThread(customer);
    await moderateThread(staff, threadId, { action: "pin" });
    await moderateThread(admin, threadId, { action: "unpin" });
    expect(await rejectionMessage(rawRun(scriptDb(), sql`UPDATE audit_log SET reason = 'tampered'`))).toMatch(
      /cannot be changed/,
    );
    expect(await rejectionMessage(rawRun(scriptDb(), sql`DELETE FROM audit_log`))).toMatch(/cannot be deleted/);

    await expect(listAuditLog(customer, { page: 1 })).rejects.toThrow(ForbiddenError);
    expect(
      (await listAuditLog(staff, { actor: admin.username, page: 1 })).entries.map((entry) => entry.action),
    ).toEqual(["thread.unpin"]);
    expect(
      (await listAuditLog(staff, { action: "thread.pin", subject: "thread", subjectId: threadId, page: 1 })).entries,
    ).toHaveLength(1);
  });

  it("records support work too: escalations, follow-up changes and response-time targets", async () => {
    const { threadId } = await makeThread(customer);
    const { followUpId } = await escalateThread(staff, threadId);
    await workOnFollowUp(staff, followUpId, { intent: "priority", priority: "high" });
    await workOnFollowUp(staff, followUpId, { intent: "priority", priority: "high" }); // no change, no entry
    await changeSupportPolicy(admin, "billing", { normalFirstResponseHours: "4", normalResolutionHours: "48" });
    const work = (
      await listAuditLog(staff, { subject: "follow-up", subjectId: followUpId, page: 1 })
    ).entries.reverse();
    expect(work.map((entry) => entry.action)).toEqual(["follow-up.escalate", "follow-up.update"]);
    expect(work[1]).toMatchObject({
      before: { priority: "normal" },
      after: { priority: "high" },
      actor: staff.username,
    });
    const targets = (await listAuditLog(staff, { action: "support-policy.update", page: 1 })).entries;
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      subjectLabel: "Billing",
      actor: admin.username,
      before: { targets: { normal: { firstResponseMinutes: 1440, resolutionMinutes: 4320 } } },
      after: { targets: { normal: { firstResponseMinutes: 240, resolutionMinutes: 2880 } } },
    });
  });

  it("records a status staff change from the reply box, as from the status buttons", async () => {
    const { threadId } = await makeThread(customer);
    const { followUpId } = await escalateThread(staff, threadId);
    await workOnFollowUp(staff, followUpId, { intent: "take" });
    await replyOnFollowUp(staff, followUpId, {
      body: "Which firmware is the hub on?",
      visibility: "private",
      then: "waiting",
    });
    await replyOnFollowUp(staff, followUpId, {
      body: "Thanks, that settles it.",
      visibility: "private",
      then: "resolved",
    });
    const work = (
      await listAuditLog(staff, { subject: "follow-up", subjectId: followUpId, page: 1 })
    ).entries.reverse();
    expect(work.map((entry) => [entry.action, entry.before, entry.after])).toEqual([
      ["follow-up.escalate", null, { threadId }],
      [
        "follow-up.update",
        { assignee: null, priority: "normal", status: "new" },
        { assignee: staff.username, priority: "normal", status: "open" },
      ],
      [
        "follow-up.update",
        { assignee: staff.username, priority: "normal", status: "open" },
        { assignee: staff.username, priority: "normal", status: "waiting" },
      ],
      [
        "follow-up.update",
        { assignee: staff.username, priority: "normal", status: "waiting" },
        { assignee: staff.username, priority: "normal", status: "resolved" },
      ],
    ]);
  });
});

describe("reply lexicon", () => {
  it("keeps one entry per phrase whatever its punctuation, and coaches staff only", async () => {
    const seeded = (await listLexicon(staff)).map((entry) => entry.phrase);
    expect(seeded).toEqual(
      expect.arrayContaining([
        "it's our policy",
        "you need to ask a manager",
        "did you plug it in?",
        "you're wrong",
        "calm down",
      ]),
    );
    await expect(addLexiconEntry(staff, { phrase: "Calm down!", suggestion: "x" })).rejects.toThrow(ValidationError);
    await expect(addLexiconEntry(staff, { phrase: "?!", suggestion: "x" })).rejects.toThrow(ValidationError);
    await expect(addLexiconEntry(customer, { phrase: "whatever", suggestion: "x" })).rejects.toThrow(ForbiddenError);
    const { id } = await addLexiconEntry(staff, { phrase: "That's not possible", suggestion: "Say what is possible." });
    await updateLexiconEntry(staff, id, {
      phrase: "That is not possible",
      suggestion: "Say what is possible instead.",
    });
    expect((await listLexicon(staff)).find((entry) => entry.id === id)?.phrase).toBe("That is not possible");

    const calm = await makeThread(customer, { body: "The app keeps logging me out." });
    const upset = await makeThread(customer, { body: "Third time this week!! This is unacceptable." });
    expect(await replyCoachForThread(customer, upset.threadId)).toBeNull();
    expect((await replyCoachForThread(staff, calm.threadId))?.customerUpset).toBe(false);
    const coach = (await replyCoachForThread(staff, upset.threadId))!;
    expect(coach.customerUpset).toBe(true);
    expect(coach.lexicon.map((entry) => entry.phrase)).toContain("That is not possible");
  });
});
