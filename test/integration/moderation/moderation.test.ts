// Moderation on a real SQLite file: flags and the hide threshold, held posts per role, staff
// decisions and the queue, suspensions, thread actions, customer domains and the audit log.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditLog, flags, moderationSettings, posts, sessions, tags, threads, users } from "../../../db/schema";
import { startSession } from "~/models/accounts/auth.server";
import { setClock } from "~/lib/clock.server";
import { getDb, getSqlite } from "~/lib/db.server";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/lib/errors.server";
import { VISITOR, type Actor, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { listAuditLog } from "~/models/shared/audit.server";
import { decideOnPost, listReviewQueue } from "~/models/moderation/review.server";
import { flagPost } from "~/models/moderation/flags.server";
import { getModerationSettings, setHeldPostCount, updateModerationSettings } from "~/models/moderation/settings.server";
import { postAnswer } from "~/models/community/posts.server";
import {
  addLexiconEntry,
  listLexicon,
  replyCoachForThread,
  updateLexiconEntry,
} from "~/models/support/reply-lexicon.server";
import { searchSite } from "~/models/search/search.server";
import { setCategoryTargets } from "~/models/support/targets.server";
import { workOnFollowUp } from "~/models/support/work.server";
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
import { signUp } from "~/models/accounts/users.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const listQuery = { filter: "all", sort: "newest", page: 1 } as const;

/** The actor as the session would load it now (role and suspension read fresh). */
function reload(member: Member): Member {
  const row = getDb()
    .select({ role: users.role, suspendedUntil: users.suspendedUntil })
    .from(users)
    .where(eq(users.id, member.id))
    .get()!;
  return { ...member, ...row };
}

const answerIds = (actor: Actor, threadId: number) => getThreadPage(actor, threadId).answers.map((answer) => answer.id);
const stateOf = (postId: number) =>
  getDb().select({ state: posts.moderationState }).from(posts).where(eq(posts.id, postId)).get()!.state;
const answerCount = (threadId: number) =>
  getDb().select({ n: threads.answerCount }).from(threads).where(eq(threads.id, threadId)).get()!.n;
const search = (actor: Actor, q: string) =>
  searchSite(actor, { q }).hits.map((hit) => (hit.type === "question" ? hit.id : -1));
const auditActions = () =>
  getDb().select({ action: auditLog.action, actorId: auditLog.actorId, reason: auditLog.reason }).from(auditLog).all();

let admin: Member;
let staff: Member;
let customer: Member;

beforeEach(async () => {
  resetAllLimits();
  admin = await makeUser("admin");
  staff = await makeUser("staff");
  customer = await makeUser("customer");
});
afterEach(() => {
  setClock(null);
  // Back to the test template's settings (holding off, the default threshold) for the next test.
  getDb().update(moderationSettings).set({ flagHideThreshold: 3, heldPostCount: 0 }).run();
});

describe("flags", () => {
  it("hides a post once flags from three different people are open, and not before", async () => {
    const { threadId } = makeThread(customer);
    const { postId } = makeAnswer(customer, threadId, "Visit my shop for cheap hubs.");
    const [first, second, third] = [await makeUser(), await makeUser(), await makeUser()];
    expect(getModerationSettings().flagHideThreshold).toBe(3);

    expect(flagPost(first, postId, { reason: "spam" })).toMatchObject({ hidden: false });
    expect(() => flagPost(first, postId, { reason: "spam" })).toThrow(ConflictError);
    expect(flagPost(second, postId, { reason: "rude" })).toMatchObject({ hidden: false });
    expect(answerIds(VISITOR, threadId)).toContain(postId);
    expect(answerCount(threadId)).toBe(1);

    expect(flagPost(third, postId, { reason: "spam" })).toMatchObject({ hidden: true });
    expect(stateOf(postId)).toBe("hidden");
    expect(answerIds(VISITOR, threadId)).not.toContain(postId);
    expect(answerIds(first, threadId)).not.toContain(postId);
    expect(answerIds(customer, threadId)).toContain(postId); // its author, marked as hidden
    expect(answerIds(staff, threadId)).toContain(postId);
    expect(answerCount(threadId)).toBe(0);
    const hide = auditActions().find((entry) => entry.action === "post.hide")!;
    expect(hide.actorId).toBeNull();
    expect(hide.reason).toBe("Hidden automatically after 3 flags (spam, rude or abusive, spam)");
  });

  it("follows the admin's threshold, hides at once on a staff flag, and validates flags", async () => {
    const { threadId } = makeThread(customer);
    const answer = makeAnswer(customer, threadId);
    expect(() => updateModerationSettings(staff, { flagHideThreshold: "2", heldPostCount: "2" })).toThrow(
      ForbiddenError,
    );
    expect(() => updateModerationSettings(admin, { flagHideThreshold: "0", heldPostCount: "2" })).toThrow(
      ValidationError,
    );
    updateModerationSettings(admin, { flagHideThreshold: "2", heldPostCount: "0" });
    expect(getModerationSettings()).toEqual({ flagHideThreshold: 2, heldPostCount: 0 });
    expect(auditActions().map((entry) => entry.action)).toContain("settings.update");

    flagPost(await makeUser(), answer.postId, { reason: "off_topic" });
    expect(flagPost(await makeUser(), answer.postId, { reason: "off_topic" })).toMatchObject({ hidden: true });

    const other = makeAnswer(customer, threadId, "Another answer.");
    expect(flagPost(staff, other.postId, { reason: "rude" })).toMatchObject({ hidden: true });
    expect(auditActions().find((entry) => entry.action === "post.hide" && entry.actorId === staff.id)?.reason).toBe(
      "Flagged by staff: rude or abusive",
    );

    const member = await makeUser();
    const third = makeAnswer(staff, threadId, "A third answer.");
    expect(() => flagPost(member, third.postId, { reason: "other" })).toThrow(ValidationError);
    expect(() => flagPost(member, third.postId, { reason: "made-up" })).toThrow(ValidationError);
    expect(() => flagPost(staff, third.postId, { reason: "spam" })).toThrow(ForbiddenError);
    expect(() => flagPost(VISITOR, third.postId, { reason: "spam" })).toThrow(ForbiddenError);
    expect(() => flagPost(member, 999_999, { reason: "spam" })).toThrow(NotFoundError);
    expect(flagPost(member, third.postId, { reason: "other", note: "Contains a phone number." })).toMatchObject({
      hidden: false,
    });
  });
});

describe("held posts", () => {
  it("holds a new member's first two posts for approval: seen by the author and staff only", async () => {
    setHeldPostCount(2);
    const newcomer = await makeUser("member");
    const other = await makeUser("member");
    const { threadId, held } = makeThread(newcomer, { title: "Porch camera keeps dropping off the network" });
    expect(held).toBe(true);

    // The thread does not exist for anyone else: page, lists, search.
    expect(() => getThreadPage(VISITOR, threadId)).toThrow(NotFoundError);
    expect(() => getThreadPage(other, threadId)).toThrow(NotFoundError);
    expect(getThreadPage(newcomer, threadId).question.moderationState).toBe("held");
    expect(getThreadPage(staff, threadId).question.moderationState).toBe("held");
    expect(listThreads(VISITOR, listQuery).threads.map((t) => t.id)).not.toContain(threadId);
    expect(search(VISITOR, "porch camera")).not.toContain(threadId);

    // Nobody else can answer it yet; once approved, a customer's answer is not held, and the
    // newcomer's (their second post, the first approved) is, and does not count until approved.
    expect(() => postAnswer(customer, threadId, { body: "Move the camera closer to the hub." })).toThrow(NotFoundError);
    const questionId = getThreadPage(staff, threadId).question.id;
    decideOnPost(staff, questionId, { decision: "approve" });
    expect(search(VISITOR, "porch camera")).toContain(threadId);
    expect(postAnswer(customer, threadId, { body: "Move the camera closer to the hub." }).held).toBe(false);
    const newcomersAnswer = postAnswer(newcomer, threadId, {
      body: "Thanks, see [my photo](https://example.net/photo).",
    });
    expect(newcomersAnswer.held).toBe(true);
    expect(answerCount(threadId)).toBe(1);
    const linkFlag = getDb().select().from(flags).where(eq(flags.postId, newcomersAnswer.postId)).get();
    expect(linkFlag?.reason).toBe("new_member_link");
    expect(() => castVote(other, newcomersAnswer.postId, { value: "1" })).toThrow(NotFoundError);

    const queue = listReviewQueue(staff).items;
    expect(queue.map((item) => item.id)).toEqual(expect.arrayContaining([newcomersAnswer.postId]));
    expect(() => listReviewQueue(other)).toThrow(ForbiddenError);

    // Approval makes it visible and counted; after two approvals, the next post is visible at once.
    expect(answerIds(other, threadId)).not.toContain(newcomersAnswer.postId);
    expect(answerIds(newcomer, threadId)).toContain(newcomersAnswer.postId);
    decideOnPost(staff, newcomersAnswer.postId, { decision: "approve" });
    expect(answerIds(VISITOR, threadId)).toContain(newcomersAnswer.postId);
    expect(answerCount(threadId)).toBe(2);
    expect(getDb().select().from(flags).where(eq(flags.postId, newcomersAnswer.postId)).get()?.resolution).toBe(
      "approve",
    );
    expect(listReviewQueue(staff).items.map((item) => item.id)).not.toContain(newcomersAnswer.postId);
    expect(postAnswer(newcomer, threadId, { body: "Fixed now, thank you!" }).held).toBe(false);
  });
});

describe("staff decisions and the queue", () => {
  it("deletes softly, restores, keeps tag counts and lists the queue oldest first with author history", async () => {
    const author = await makeUser("member");
    setClock(new Date("2026-11-01T10:00:00Z"));
    const older = makeThread(author, { title: "Thermostat schedule resets every night", tags: "setup" });
    setClock(new Date("2026-11-02T10:00:00Z"));
    const newer = makeThread(author, { title: "Door sensor reports open when it is shut", tags: "setup" });
    const olderQuestion = getThreadPage(staff, older.threadId).question.id;
    const newerQuestion = getThreadPage(staff, newer.threadId).question.id;
    const setupCount = () => getDb().select({ n: tags.threadCount }).from(tags).where(eq(tags.name, "setup")).get()!.n;
    const before = setupCount();

    setClock(new Date("2026-11-03T10:00:00Z"));
    flagPost(customer, newerQuestion, { reason: "spam" });
    setClock(new Date("2026-11-03T11:00:00Z"));
    flagPost(customer, olderQuestion, { reason: "needs_staff" });
    const queue = listReviewQueue(staff).items.filter((item) => item.authorId === author.id);
    expect(queue.map((item) => item.id)).toEqual([newerQuestion, olderQuestion]);
    expect(queue[0].flags.map((flag) => flag.reason)).toEqual(["spam"]);
    expect(queue[0].authorHistory).toMatchObject({ visible: 2, hidden: 0, warnings: 0 });

    decideOnPost(staff, newerQuestion, { decision: "delete", reason: "Advertising" });
    expect(() => getThreadPage(author, newer.threadId)).toThrow(NotFoundError);
    expect(getThreadPage(staff, newer.threadId).question.moderationState).toBe("deleted");
    expect(setupCount()).toBe(before - 1);
    expect(search(VISITOR, "door sensor")).not.toContain(newer.threadId);

    warnUser(staff, author.username, { message: "Please do not advertise." });
    flagPost(await makeUser(), olderQuestion, { reason: "spam" });
    expect(listReviewQueue(staff).items.find((item) => item.id === olderQuestion)?.authorHistory).toMatchObject({
      visible: 1,
      deleted: 1,
      warnings: 1,
    });

    decideOnPost(staff, newerQuestion, { decision: "restore" });
    expect(getThreadPage(VISITOR, newer.threadId).question.moderationState).toBe("visible");
    expect(setupCount()).toBe(before);
    expect(search(VISITOR, "door sensor")).toContain(newer.threadId);
    expect(() => decideOnPost(customer, olderQuestion, { decision: "hide" })).toThrow(ForbiddenError);
    expect(() => decideOnPost(staff, olderQuestion, { decision: "burn" })).toThrow(ValidationError);
  });
});

describe("suspension", () => {
  it("lets a suspended account read but not write, ends its sessions, and lifts cleanly", async () => {
    const member = await makeUser("member");
    const { threadId } = makeThread(customer);
    const { postId } = makeAnswer(customer, threadId);
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
    expect(getDb().select().from(sessions).where(eq(sessions.userId, member.id)).all()).toEqual([]);

    const suspended = reload(member);
    expect(suspended.suspendedUntil?.toISOString()).toBe("2026-11-30T23:59:59.999Z");
    expect(getThreadPage(suspended, threadId).thread.id).toBe(threadId);
    expect(() =>
      askQuestion(suspended, { title: "A question while suspended", body: "Hello", category: "general" }),
    ).toThrow(ForbiddenError);
    expect(() => postAnswer(suspended, threadId, { body: "An answer while suspended" })).toThrow(ForbiddenError);
    expect(() => castVote(suspended, postId, { value: "1" })).toThrow(ForbiddenError);
    expect(() => flagPost(suspended, postId, { reason: "spam" })).toThrow(ForbiddenError);

    // The suspension ends by itself at the end of its last day.
    setClock(new Date("2026-12-01T00:00:01Z"));
    expect(postAnswer(reload(member), threadId, { body: "Back again." }).postId).toBeGreaterThan(0);

    setClock(new Date("2026-11-24T12:00:00Z"));
    await suspendUser(staff, member.username, { until: "2026-12-24", reason: "Again" });
    unsuspendUser(staff, member.username);
    expect(() => unsuspendUser(staff, member.username)).toThrow(ConflictError);
    expect(postAnswer(reload(member), threadId, { body: "Unsuspended." }).held).toBe(false);
    const log = listAuditLog(staff, { subject: "user", subjectId: member.id, page: 1 }).entries;
    expect(log.map((entry) => entry.action)).toEqual(["user.unsuspend", "user.suspend", "user.suspend"]);
    expect(log[1].after).toEqual({ suspendedUntil: "2026-12-24T23:59:59.999Z" });
  });
});

describe("thread actions", () => {
  it("locks, closes with a reason, reopens, moves, retags and pins, logging each with before and after", async () => {
    const member = await makeUser("member");
    const { threadId } = makeThread(customer, { title: "Hub loses its schedule after a reboot", tags: "setup" });

    moderateThread(staff, threadId, { action: "lock", reason: "Heated" });
    expect(() => postAnswer(member, threadId, { body: "Locked out?" })).toThrow(ForbiddenError);
    expect(postAnswer(staff, threadId, { body: "Staff can still answer." }).held).toBe(false);
    moderateThread(staff, threadId, { action: "unlock" });
    expect(postAnswer(member, threadId, { body: "Answer after unlocking." }).held).toBe(false);

    expect(() => moderateThread(staff, threadId, { action: "close", reason: "" })).toThrow(ValidationError);
    moderateThread(staff, threadId, { action: "close", reason: "Solved by firmware 4.3" });
    expect(getThreadPage(VISITOR, threadId).thread).toMatchObject({
      status: "closed",
      closedReason: "Solved by firmware 4.3",
    });
    moderateThread(staff, threadId, { action: "reopen" });
    expect(getThreadPage(VISITOR, threadId).thread).toMatchObject({ status: "answered", closedReason: null });

    moderateThread(staff, threadId, { action: "move", category: "billing" });
    expect(getThreadPage(VISITOR, threadId).thread.categorySlug).toBe("billing");
    expect(searchSite(VISITOR, { q: "schedule reboot", category: "billing" }).hits.map((hit) => hit.id)).toContain(
      threadId,
    );
    expect(() => moderateThread(staff, threadId, { action: "move", category: "nowhere" })).toThrow(ValidationError);

    moderateThread(staff, threadId, { action: "retag", tags: "firmware, wifi" });
    expect(getThreadPage(VISITOR, threadId).thread.tags).toEqual(["firmware", "wifi"]);
    expect(() => moderateThread(staff, threadId, { action: "retag", tags: "no-such-tag" })).toThrow(ValidationError);

    moderateThread(staff, threadId, { action: "pin" });
    const list = listThreads(VISITOR, listQuery);
    expect(list.pinned.map((t) => t.id)).toEqual([threadId]);
    expect(list.threads.map((t) => t.id)).not.toContain(threadId);
    expect(listThreads(VISITOR, { ...listQuery, page: 2 }).pinned).toEqual([]);
    // Short lists (the home page's) keep pinned threads in their place instead.
    expect(listThreads(VISITOR, listQuery, 5, { pinnedFirst: false }).threads.map((t) => t.id)).toContain(threadId);

    expect(() => moderateThread(member, threadId, { action: "pin" })).toThrow(ForbiddenError);
    expect(() => moderateThread(staff, threadId, { action: "explode" })).toThrow(ValidationError);

    const log = listAuditLog(staff, { subject: "thread", subjectId: threadId, page: 1 }).entries.reverse();
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

  it("closes a duplicate pointing at the original, and search ranks the original first", () => {
    const original = makeThread(customer, {
      title: "Garage door sensor eats batteries",
      body: "Since I fitted it last month, the little sensor on the garage door needs a new battery every single week, far more often than the two years the box promised. Is this normal?",
    });
    const duplicate = makeThread(customer, {
      title: "Garage door sensor battery drains in a week",
      body: "Garage door sensor battery drains in a week, garage door sensor battery drains.",
    });
    const ranked = search(VISITOR, "garage door sensor battery");
    expect(ranked.indexOf(duplicate.threadId)).toBeLessThan(ranked.indexOf(original.threadId));

    expect(() =>
      moderateThread(staff, duplicate.threadId, { action: "duplicate", original: String(duplicate.threadId) }),
    ).toThrow(ValidationError);
    expect(() => moderateThread(staff, duplicate.threadId, { action: "duplicate", original: "not a thread" })).toThrow(
      ValidationError,
    );
    moderateThread(staff, duplicate.threadId, {
      action: "duplicate",
      original: `https://hearth.example/questions/${original.threadId}/garage`,
    });
    const page = getThreadPage(VISITOR, duplicate.threadId);
    expect(page.thread.status).toBe("closed");
    expect(page.thread.duplicateOf).toMatchObject({ id: original.threadId });

    const reranked = search(VISITOR, "garage door sensor battery");
    expect(reranked.indexOf(original.threadId)).toBeLessThan(reranked.indexOf(duplicate.threadId));

    // A duplicate of the duplicate points straight at the original.
    const third = makeThread(customer, { title: "Garage sensor battery flat again already" });
    moderateThread(staff, third.threadId, { action: "duplicate", original: String(duplicate.threadId) });
    expect(getThreadPage(VISITOR, third.threadId).thread.duplicateOf?.id).toBe(original.threadId);
  });
});

describe("roles and customer domains", () => {
  it("grants the customer role singly, and by email domain to confirmed addresses only", async () => {
    const existing = await makeUser("member", { email: `ops-${Date.now()}@acme-homes.test` });
    const other = await makeUser("member");
    const unconfirmed = await makeUser("member", { email: `new-${Date.now()}@acme-homes.test` });
    getDb().update(users).set({ emailConfirmedAt: null }).where(eq(users.id, unconfirmed.id)).run();
    await expect(addCustomerDomain(staff, { domain: "acme-homes.test" })).rejects.toThrow(ForbiddenError);
    await expect(addCustomerDomain(admin, { domain: "not a domain" })).rejects.toThrow(ValidationError);
    expect(await addCustomerDomain(admin, { domain: "@ACME-homes.test" })).toEqual({
      domain: "acme-homes.test",
      upgraded: 1,
    });
    await expect(addCustomerDomain(admin, { domain: "acme-homes.test" })).rejects.toThrow(ValidationError);
    expect(reload(existing).role).toBe("customer");
    expect(reload(other).role).toBe("member");
    expect(reload(unconfirmed).role).toBe("member");

    // A new account's address is unconfirmed: the domain's role waits for the link (accounts-http.test.ts).
    const { userId } = await signUp(
      { email: "new.person@acme-homes.test", username: `acme-${Date.now() % 100000}`, password: "a long walk home" },
      { address: "203.0.113.9" },
    );
    expect(
      getDb()
        .select({ role: users.role, emailConfirmedAt: users.emailConfirmedAt })
        .from(users)
        .where(eq(users.id, userId))
        .get(),
    ).toEqual({ role: "member", emailConfirmedAt: null });

    await grantCustomerRole(admin, { who: other.username });
    expect(reload(other).role).toBe("customer");
    await expect(grantCustomerRole(admin, { who: other.username })).rejects.toThrow(ValidationError);
    await expect(grantCustomerRole(admin, { who: "nobody@nowhere.test" })).rejects.toThrow(ValidationError);
    const roleChanges = listAuditLog(admin, { action: "user.role", page: 1 }).entries;
    expect(roleChanges[0]).toMatchObject({
      subjectLabel: other.username,
      before: { role: "member" },
      after: { role: "customer" },
    });
  });
});

describe("audit log", () => {
  it("cannot be changed or deleted, is for staff only, and filters by actor, action and subject", async () => {
    const { threadId } = makeThread(customer);
    moderateThread(staff, threadId, { action: "pin" });
    moderateThread(admin, threadId, { action: "unpin" });
    expect(() => getSqlite().prepare("UPDATE audit_log SET reason = 'tampered'").run()).toThrow(/cannot be changed/);
    expect(() => getSqlite().prepare("DELETE FROM audit_log").run()).toThrow(/cannot be deleted/);

    expect(() => listAuditLog(customer, { page: 1 })).toThrow(ForbiddenError);
    expect(listAuditLog(staff, { actor: admin.username, page: 1 }).entries.map((entry) => entry.action)).toEqual([
      "thread.unpin",
    ]);
    expect(
      listAuditLog(staff, { action: "thread.pin", subject: "thread", subjectId: threadId, page: 1 }).entries,
    ).toHaveLength(1);
  });

  it("records support work too: escalations, follow-up changes and response-time targets", () => {
    const { threadId } = makeThread(customer);
    const { followUpId } = escalateThread(staff, threadId);
    workOnFollowUp(staff, followUpId, { intent: "priority", priority: "high" });
    workOnFollowUp(staff, followUpId, { intent: "priority", priority: "high" }); // no change, no entry
    setCategoryTargets(admin, { category: "billing", firstResponseHours: "4", resolutionHours: "48" });
    const work = listAuditLog(staff, { subject: "follow-up", subjectId: followUpId, page: 1 }).entries.reverse();
    expect(work.map((entry) => entry.action)).toEqual(["follow-up.escalate", "follow-up.update"]);
    expect(work[1]).toMatchObject({
      before: { priority: "normal" },
      after: { priority: "high" },
      actor: staff.username,
    });
    const targets = listAuditLog(staff, { action: "targets.update", page: 1 }).entries;
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      subjectLabel: "Billing",
      actor: admin.username,
      after: { firstResponseMinutes: 240, resolutionMinutes: 2880 },
    });
  });
});

describe("reply lexicon", () => {
  it("keeps one entry per phrase whatever its punctuation, and coaches staff only", async () => {
    const seeded = listLexicon(staff).map((entry) => entry.phrase);
    expect(seeded).toEqual(
      expect.arrayContaining([
        "it's our policy",
        "you need to ask a manager",
        "did you plug it in?",
        "you're wrong",
        "calm down",
      ]),
    );
    expect(() => addLexiconEntry(staff, { phrase: "Calm down!", suggestion: "x" })).toThrow(ValidationError);
    expect(() => addLexiconEntry(staff, { phrase: "?!", suggestion: "x" })).toThrow(ValidationError);
    expect(() => addLexiconEntry(customer, { phrase: "whatever", suggestion: "x" })).toThrow(ForbiddenError);
    const { id } = addLexiconEntry(staff, { phrase: "That's not possible", suggestion: "Say what is possible." });
    updateLexiconEntry(staff, id, { phrase: "That is not possible", suggestion: "Say what is possible instead." });
    expect(listLexicon(staff).find((entry) => entry.id === id)?.phrase).toBe("That is not possible");

    const calm = makeThread(customer, { body: "The app keeps logging me out." });
    const upset = makeThread(customer, { body: "Third time this week!! This is unacceptable." });
    expect(replyCoachForThread(customer, upset.threadId)).toBeNull();
    expect(replyCoachForThread(staff, calm.threadId)?.customerUpset).toBe(false);
    const coach = replyCoachForThread(staff, upset.threadId)!;
    expect(coach.customerUpset).toBe(true);
    expect(coach.lexicon.map((entry) => entry.phrase)).toContain("That is not possible");
  });
});
