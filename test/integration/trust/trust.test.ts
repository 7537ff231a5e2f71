// Trust levels end to end through the models: stored levels following reputation, approvals and
// time; the held-post rule they replace; links, downvotes, flag weight, retagging and editing by
// level; and the admin's thresholds.
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditLog, moderationSettings, posts, trustSettings, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb, write } from "~/lib/db.server";
import { ForbiddenError, NotFoundError, ValidationError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { PRESET_THRESHOLDS, TRUST, type TrustLevel, type TrustThresholds } from "~/lib/trust-levels";
import { editPost, postAnswer } from "~/models/community/posts.server";
import { askQuestion } from "~/models/community/threads.server";
import { castVote } from "~/models/community/votes.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { flagPost } from "~/models/moderation/flags.server";
import { decideOnPost } from "~/models/moderation/review.server";
import { moderateThread } from "~/models/moderation/threads.server";
import { record } from "~/models/shared/events.server";
import { recomputeDueTrustLevels } from "~/models/trust/levels.server";
import { getTrustProgress } from "~/models/trust/progress.server";
import {
  getTrustSettingsForAdmin,
  setTrustThresholdsForScripts,
  updateTrustSettings,
} from "~/models/trust/settings.server";
import { fieldErrorsOf } from "../../fixtures/errors";
import {
  holdNewMembers,
  makeAnswer,
  makeNewMember,
  makeThread,
  makeUser,
  stopHoldingNewMembers,
} from "../../fixtures/factories";

const DAY = 24 * 60 * 60 * 1000;

// Small numbers, so a test can walk a person up the levels.
const SMALL: TrustThresholds = {
  basic: { reputation: 0, days: 0, posts: 2 },
  member: { reputation: 100, days: 0, posts: 2 },
  regular: { reputation: 200, days: 0, posts: 2 },
  leader: { reputation: 300, days: 0, posts: 2 },
};

afterEach(async () => {
  setClock(null);
  await stopHoldingNewMembers();
  await scriptDb().update(moderationSettings).set({ flagHideThreshold: 3 });
});

const storedLevel = async (user: { id: number }) =>
  (await scriptDb().select({ level: users.trustLevel }).from(users).where(eq(users.id, user.id)))[0].level;

/** What the lead's reputation code does when a total changes: the column and the event, in one write. */
async function setReputation(user: { id: number }, total: number) {
  await write(async (db) => {
    const [before] = await db.select({ reputation: users.reputation }).from(users).where(eq(users.id, user.id));
    await db.update(users).set({ reputation: total }).where(eq(users.id, user.id));
    await record("reputation changed", { userId: user.id, change: total - before.reputation, total, at: new Date() });
  });
}

/** The person as their next request's session would carry them. */
async function asNow(user: Member): Promise<Member> {
  return { ...user, trustLevel: (await storedLevel(user)) as TrustLevel };
}

/** A person at `level` with two visible posts of their own. */
async function personAt(level: TrustLevel, role: "member" | "customer" = "member") {
  const person = await makeUser(role, { trustLevel: level });
  const { threadId } = await makeThread(await makeUser("customer"));
  for (let i = 0; i < 2; i += 1) await makeAnswer(person, threadId, `Answer number ${i} from this person.`);
  return person;
}

describe("stored trust levels", () => {
  it("rise and fall with reputation in the write that changes it, keeping member once reached, and audit a drop", async () => {
    await setTrustThresholdsForScripts(SMALL);
    const person = await personAt(TRUST.basic);
    await setReputation(person, 150);
    expect(await storedLevel(person)).toBe(TRUST.member);
    await setReputation(person, 350);
    expect(await storedLevel(person)).toBe(TRUST.leader);
    await setReputation(person, 250);
    expect(await storedLevel(person)).toBe(TRUST.regular);
    await setReputation(person, 0);
    expect(await storedLevel(person)).toBe(TRUST.member);
    const drops = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.trust-level"), eq(auditLog.subjectId, person.id)));
    expect(drops.map((entry) => entry.after)).toEqual([{ trustLevel: "regular" }, { trustLevel: "member" }]);
    expect(drops.every((entry) => entry.actorId === null)).toBe(true);
  });

  it("rise with the reputation real upvotes earn, in the vote's own write", async () => {
    await setTrustThresholdsForScripts(SMALL);
    const person = await personAt(TRUST.basic);
    const { threadId } = await makeThread(await makeUser("customer"));
    const { postId } = await makeAnswer(person, threadId, "An answer worth upvoting.");
    for (let i = 0; i < 10; i += 1) {
      await resetAllLimits();
      await castVote(await makeUser("member"), postId, { value: "1" });
    }
    const [row] = await scriptDb().select().from(users).where(eq(users.id, person.id));
    expect(row.reputation).toBeGreaterThanOrEqual(100);
    expect(row.trustLevel).toBe(TRUST.member);
  });

  it("replace the held first posts: a new member's posts wait until two are approved; basic, customers and staff never wait", async () => {
    await holdNewMembers();
    const staff = await makeUser("staff");
    const newcomer = await makeNewMember();
    const first = await makeThread(newcomer, { title: "First question from a newcomer here" });
    const second = await makeThread(newcomer, { title: "Second question from a newcomer here" });
    expect([first.held, second.held]).toEqual([true, true]);

    await decideOnPost(staff, first.questionPostId, { decision: "approve" });
    expect(await storedLevel(newcomer)).toBe(TRUST.new);
    await decideOnPost(staff, second.questionPostId, { decision: "approve" });
    expect(await storedLevel(newcomer)).toBe(TRUST.basic);
    expect((await makeAnswer(await asNow(newcomer), first.threadId, "Now my answers show at once.")).held).toBe(false);

    // Stored at "new", a customer or a member of staff still posts at once: their role vouches for them.
    for (const role of ["customer", "staff", "admin"] as const) {
      const vouched = await makeUser(role);
      await scriptDb().update(users).set({ trustLevel: 0 }).where(eq(users.id, vouched.id));
      expect((await makeThread({ ...vouched, trustLevel: 0 }, { title: `A ${role}'s first question here` })).held).toBe(
        false,
      );
    }
    // A basic member's posts never wait, even with the moderate preset.
    const basic = await personAt(TRUST.basic);
    expect((await makeAnswer(basic, first.threadId, "A basic member's answer.")).held).toBe(false);
  });

  it("follow time in the background job, at most hourly, and compute everyone's the first time", async () => {
    const start = new Date("2026-11-02T09:00:00Z");
    const after = (ms: number) => new Date(start.getTime() + ms);
    setClock(start);
    await setTrustThresholdsForScripts({ ...SMALL, basic: { reputation: 0, days: 3, posts: 0 } });
    const newcomer = await makeNewMember();
    await recomputeDueTrustLevels(after(3 * DAY - 10 * 60_000));
    expect(await storedLevel(newcomer)).toBe(TRUST.new);
    // Three days old now, but within the hour after a pass the job does nothing.
    await recomputeDueTrustLevels(after(3 * DAY + 1000));
    expect(await storedLevel(newcomer)).toBe(TRUST.new);
    await recomputeDueTrustLevels(after(3 * DAY + 2 * 60 * 60_000));
    expect(await storedLevel(newcomer)).toBe(TRUST.basic);

    // An upgraded community: levels never computed; the first pass computes everyone's.
    await scriptDb().update(users).set({ trustLevel: 0 }).where(eq(users.id, newcomer.id));
    await scriptDb().update(trustSettings).set({ levelsComputedAt: null });
    const moved = await recomputeDueTrustLevels(after(3 * DAY + 3 * 60 * 60_000));
    expect(moved.rose).toBeGreaterThan(0);
    expect(await storedLevel(newcomer)).toBe(TRUST.basic);
    expect((await scriptDb().select().from(trustSettings))[0].levelsComputedAt).not.toBeNull();
  });
});

describe("privileges by level", () => {
  it("refuses links and images below basic next to the body, and allows mentions and plain text", async () => {
    const newcomer = await makeNewMember();
    const named = await makeUser("member");
    const { threadId } = await makeThread(await makeUser("customer"));
    for (const body of ["See https://example.net/fix", "![photo](https://example.net/a.png)", "[here](/kb/offline)"]) {
      const errors = await fieldErrorsOf(() => postAnswer(newcomer, threadId, { body }));
      expect(errors.body).toContain("Unlocked at the Basic trust level");
    }
    await expect(
      askQuestion(newcomer, {
        title: "A question with a link in it",
        body: "See https://x.example",
        category: "general",
      }),
    ).rejects.toThrow(ValidationError);
    const plain = await postAnswer(newcomer, threadId, { body: `Ask @${named.username}, they fixed theirs.` });
    await expect(editPost(newcomer, plain.postId, { body: "Now with https://example.net/fix" })).rejects.toThrow(
      ValidationError,
    );
    const basic = await personAt(TRUST.basic);
    expect((await postAnswer(basic, threadId, { body: "See https://example.net/fix" })).held).toBe(false);
  });

  it("lets members vote down, and tells a basic member what unlocks it", async () => {
    const { threadId } = await makeThread(await makeUser("customer"));
    const { postId } = await makeAnswer(await makeUser("customer"), threadId);
    const basic = await personAt(TRUST.basic);
    const refusal = castVote(basic, postId, { value: "-1" });
    await expect(refusal).rejects.toThrow(ForbiddenError);
    await expect(castVote(basic, postId, { value: "-1" })).rejects.toThrow("Unlocked at the Member trust level");
    expect((await castVote(basic, postId, { value: "1" })).myVote).toBe(1);
    const member = await personAt(TRUST.member);
    expect((await castVote(member, postId, { value: "-1" })).myVote).toBe(-1);
    const page = await getThreadPage(basic, threadId);
    expect(page.can.canVoteDown).toBe(false);
    expect((await getThreadPage(member, threadId)).can.canVoteDown).toBe(true);
  });

  it("weighs flags by level: a regular's flag hides a post that two basic members' flags do not", async () => {
    const { threadId } = await makeThread(await makeUser("customer"));
    const spam = await makeAnswer(await makeUser("customer"), threadId, "Cheap hubs at my shop.");
    const other = await makeAnswer(await makeUser("customer"), threadId, "More cheap hubs at my shop.");
    expect(await flagPost(await personAt(TRUST.basic), spam.postId, { reason: "spam" })).toMatchObject({
      hidden: false,
    });
    expect(await flagPost(await personAt(TRUST.basic), spam.postId, { reason: "spam" })).toMatchObject({
      hidden: false,
    });
    expect(await flagPost(await personAt(TRUST.regular), other.postId, { reason: "spam" })).toMatchObject({
      hidden: true,
    });
    expect(await flagPost(await personAt(TRUST.member), spam.postId, { reason: "spam" })).toMatchObject({
      hidden: true,
    });
  });

  it("lets a regular retag others' threads, audited, and nothing else; refuses below with what unlocks it", async () => {
    const author = await makeUser("customer");
    const { threadId } = await makeThread(author, { tags: "wifi" });
    const regular = await personAt(TRUST.regular);
    await resetAllLimits();
    expect(await moderateThread(regular, threadId, { action: "retag", tags: "wifi, firmware" })).toEqual({
      changed: true,
    });
    const [entry] = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "thread.retag"), eq(auditLog.subjectId, threadId)));
    expect(entry).toMatchObject({ actorId: regular.id, before: { tags: "wifi" }, after: { tags: "firmware, wifi" } });
    await expect(moderateThread(regular, threadId, { action: "lock" })).rejects.toThrow(ForbiddenError);

    const member = await personAt(TRUST.member);
    await expect(moderateThread(member, threadId, { action: "retag", tags: "setup" })).rejects.toThrow(
      "Unlocked at the Regular trust level",
    );

    // A thread the regular may not see (held for review) does not exist for them.
    await holdNewMembers();
    const held = await makeThread(await makeNewMember(), { title: "A held question nobody sees yet" });
    await expect(moderateThread(regular, held.threadId, { action: "retag", tags: "setup" })).rejects.toThrow(
      NotFoundError,
    );
  });

  it("lets a regular edit others' posts directly, audited like staff edits, and refuses members below", async () => {
    const author = await makeUser("customer");
    const { threadId } = await makeThread(author);
    const { postId } = await makeAnswer(author, threadId, "Hold the buton for ten seconds.");
    await expect(editPost(await personAt(TRUST.member), postId, { body: "Fixed." })).rejects.toThrow(ForbiddenError);
    const regular = await personAt(TRUST.regular);
    await editPost(regular, postId, { body: "Hold the button for ten seconds." });
    const [entry] = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "post.edit"), eq(auditLog.subjectId, postId)));
    expect(entry.actorId).toBe(regular.id);
    expect((await scriptDb().select().from(posts).where(eq(posts.id, postId)))[0].bodyMarkdown).toBe(
      "Hold the button for ten seconds.",
    );
  });

  it("shows the owner their progress to the next level, and others only the level", async () => {
    await setTrustThresholdsForScripts(SMALL);
    const person = await personAt(TRUST.basic);
    await setReputation(person, 40);
    const own = await getTrustProgress(await asNow(person), person.username);
    expect(own).toMatchObject({ level: "basic", own: true, next: { level: "member" } });
    expect(own.next?.needs.find((need) => need.field === "reputation")).toMatchObject({ have: 40, need: 100 });
    expect(own.next?.unlocks).toContain("Vote posts down");
    const seen = await getTrustProgress(await makeUser("member"), person.username);
    expect(seen).toMatchObject({ level: "basic", own: false, next: null });
    expect((await getTrustProgress(await makeUser("staff"), (await makeUser("staff")).username)).level).toBe("leader");
  });
});

describe("trust settings", () => {
  it("are for admins only, refuse thresholds that do not rise with the level, with messages by field, and save nothing then", async () => {
    const admin = await makeUser("admin");
    const before = (await scriptDb().select().from(trustSettings))[0];
    await expect(updateTrustSettings(await makeUser("staff"), "preset", { preset: "strict" })).rejects.toThrow(
      ForbiddenError,
    );
    const form = {
      basicReputation: "0",
      basicDays: "0",
      basicPosts: "2",
      memberReputation: "100",
      memberDays: "5",
      memberPosts: "1",
      regularReputation: "100",
      regularDays: "2",
      regularPosts: "lots",
      leaderReputation: "-4",
      leaderDays: "9999",
      leaderPosts: "9",
    };
    const errors = await fieldErrorsOf(() => updateTrustSettings(admin, "thresholds", form));
    expect(errors).toMatchObject({
      regularPosts: "Enter a whole number.",
      leaderReputation: "Enter 0 or more.",
      leaderDays: "At most 3,650 days.",
    });
    // A cleared field is refused, not saved as 0.
    expect(
      await fieldErrorsOf(() => updateTrustSettings(admin, "thresholds", { ...form, memberDays: "" })),
    ).toMatchObject({ memberDays: "Enter a whole number." });
    const ordering = await fieldErrorsOf(() =>
      updateTrustSettings(admin, "thresholds", { ...form, regularPosts: "3", leaderReputation: "50", leaderDays: "9" }),
    );
    expect(ordering).toEqual({
      memberPosts: "Must be at least 2, the Basic level's.",
      regularReputation: "Must be more than 100, the Member level's.",
      regularDays: "Must be at least 5, the Member level's.",
      leaderReputation: "Must be more than 100, the Regular level's.",
    });
    expect(await fieldErrorsOf(() => updateTrustSettings(admin, "preset", { preset: "harsh" }))).toHaveProperty(
      "preset",
    );
    expect((await scriptDb().select().from(trustSettings))[0]).toEqual(before);
  });

  it("applies a preset, recomputes everyone at once and audits the change with who moved", async () => {
    const admin = await makeUser("admin");
    const fresh = await makeUser("member"); // at basic under the test template's thresholds
    const veteran = await personAt(TRUST.basic);
    await scriptDb()
      .update(users)
      .set({ reputation: 1500, createdAt: new Date(Date.now() - 40 * DAY) })
      .where(eq(users.id, veteran.id));
    await resetAllLimits();
    const result = await updateTrustSettings(admin, "preset", { preset: "lenient" });
    expect(result.changed).toBe(true);
    // Lenient regulars need 10 approved posts; the veteran has 2.
    expect(await storedLevel(veteran)).toBe(TRUST.member);
    expect(await storedLevel(fresh)).toBe(TRUST.basic);
    const settings = await getTrustSettingsForAdmin(admin);
    expect(settings.preset).toBe("lenient");
    expect(settings.thresholds).toEqual(PRESET_THRESHOLDS.lenient);
    const [entry] = await scriptDb().select().from(auditLog).where(eq(auditLog.action, "settings.trust"));
    expect(entry).toMatchObject({ actorId: admin.id, after: { preset: "lenient", memberReputation: 15 } });
    expect(entry.reason).toMatch(/^\d+ people rose, 0 dropped$/);
    expect(await updateTrustSettings(admin, "preset", { preset: "lenient" })).toMatchObject({ changed: false });
  });
});
