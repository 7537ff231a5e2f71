// Digest selection and the digest job on a real SQLite file, with a controlled clock. Each test
// works in its own month, so threads of one test are outside every other test's digest window.
import { and, eq, inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { categories, emailOutbox, posts, tags, threads, users, watches, type WatchLevel } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { afterCommitWorkDone, countQueries, firstRow, scriptDb } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { forgetSeenMarks, noteSeen } from "~/models/accounts/last-seen.server";
import { castVote } from "~/models/community/votes.server";
import { decideOnPost } from "~/models/moderation/review.server";
import {
  digestFor,
  digestSettings,
  saveDigestFrequency,
  sendDueDigests,
  MAX_DIGEST_THREADS,
} from "~/models/notifications/digest.server";
import { unsubscribe, unsubscribeUrl } from "~/models/notifications/email-preferences.server";
import {
  ensureVocabulary,
  makeAnswer,
  makeThread,
  makeUser,
  holdNewMembers,
  stopHoldingNewMembers,
  makeNewMember,
} from "../../fixtures/factories";

const DAY = 24 * 3600_000;
let base = new Date("2027-01-01T09:00:00Z").getTime();
const day = (n: number) => new Date(base + n * DAY);

beforeEach(async () => {
  base += 60 * DAY;
  forgetSeenMarks();
  setClock(day(0));
  await ensureVocabulary();
});
afterEach(() => setClock(null));

async function at<T>(when: number, work: () => Promise<T>) {
  setClock(day(when));
  await resetAllLimits();
  return work();
}

const idOf = {
  tag: async (name: string) => firstRow(await scriptDb().select().from(tags).where(eq(tags.name, name)))!.id,
  category: async (slug: string) =>
    firstRow(await scriptDb().select().from(categories).where(eq(categories.slug, slug)))!.id,
};

async function watch(user: Member, target: "thread" | "tag" | "category", key: number | string, level: WatchLevel) {
  const targetId = typeof key === "number" ? key : await idOf[target as "tag" | "category"](key);
  await scriptDb()
    .insert(watches)
    .values({ userId: user.id, target, targetId, level, updatedAt: day(0) });
}

const thread = (author: Member, when: number, title: string, place: { category?: string; tags?: string } = {}) =>
  at(when, async () => (await makeThread(author, { title, category: "general", tags: "wifi", ...place })).threadId);

const threadIds = (digest: Awaited<ReturnType<typeof digestFor>>) => digest?.threads.map((entry) => entry.id) ?? [];
const digestsTo = async (user: Member) =>
  await scriptDb()
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.userId, user.id), eq(emailOutbox.kind, "digest")));
const setUser = (user: Member, values: Partial<typeof users.$inferInsert>) =>
  scriptDb().update(users).set(values).where(eq(users.id, user.id));

/** The question post of a thread. */
const questionOf = async (threadId: number) =>
  firstRow(
    await scriptDb()
      .select({ id: posts.id })
      .from(posts)
      .where(and(eq(posts.threadId, threadId), eq(posts.kind, "question"))),
  )!.id;

describe("digestFor", () => {
  it("holds new threads in a watched tag, a tracked category and a watched thread, and answered threads the reader took part in", async () => {
    const reader = await makeUser("customer");
    const author = await makeUser("customer");
    const other = await makeUser("customer");
    await watch(reader, "tag", "firmware", "watching");
    await watch(reader, "category", "billing", "tracking");
    const inTag = await thread(author, 8, "Firmware update stalls at ninety percent", { tags: "firmware" });
    const inCategory = await thread(author, 9, "Charged twice for the yearly plan", {
      category: "billing",
      tags: "locks",
    });
    const watched = await thread(author, 10, "Lights dim by themselves at night", { tags: "lights" });
    await watch(reader, "thread", watched, "watching");
    const unfollowed = await thread(author, 10, "Setup wizard asks for a code twice", { tags: "setup" });
    const tookPart = await thread(author, 2, "Door lock drains batteries in a week", { tags: "setup" });
    await at(3, () => makeAnswer(reader, tookPart, "Mine lasted longer after a firmware update."));
    const quiet = await thread(author, 2, "Hub reboots when the fridge starts", { tags: "setup" });
    await at(3, () => makeAnswer(reader, quiet, "Try another socket."));
    await at(9, () => makeAnswer(other, tookPart, "Replace the batteries with lithium ones."));

    const digest = await digestFor(reader.id, day(14));
    expect(threadIds(digest).sort()).toEqual([inTag, inCategory, watched, tookPart].sort());
    expect(threadIds(digest)).not.toContain(unfollowed);
    expect(digest!.threads.find((entry) => entry.id === tookPart)).toMatchObject({ newAnswers: 1, answers: 2 });
    const first = digest!.threads.find((entry) => entry.id === inTag)!;
    expect(first.url).toMatch(new RegExp(`^https?://[^/]+/questions/${inTag}/firmware-update-stalls`));
    expect(first.excerpt).toBe("It blinks blue and never connects.");
  });

  it("leaves out what is muted: the thread, one of its tags, or its category (unless the thread itself is watched)", async () => {
    const reader = await makeUser("customer");
    const author = await makeUser("customer");
    await watch(reader, "category", "general", "watching");
    await watch(reader, "tag", "firmware", "watching");
    await watch(reader, "tag", "locks", "muted");
    await watch(reader, "category", "billing", "muted");
    const kept = await thread(author, 8, "Hub loses the network after an update");
    const mutedTag = await thread(author, 8, "Lock jams in cold weather", { tags: "wifi, locks" });
    const mutedThread = await thread(author, 8, "Wifi drops every evening at eight");
    await watch(reader, "thread", mutedThread, "muted");
    const mutedCategory = await thread(author, 9, "Invoice shows the wrong address", {
      category: "billing",
      tags: "firmware",
    });
    const watchedInMuted = await thread(author, 9, "Refund for a firmware-bricked hub", {
      category: "billing",
      tags: "firmware",
    });
    await watch(reader, "thread", watchedInMuted, "watching");
    const tookPartMuted = await thread(author, 1, "Lock keypad ignores the first press", { tags: "locks" });
    await at(2, () => makeAnswer(reader, tookPartMuted, "Press firmly once first."));
    await at(9, () => makeAnswer(author, tookPartMuted, "That did it."));

    // Answering watches the thread (the reader's default), and a thread's own level outranks its muted tag.
    expect(threadIds(await digestFor(reader.id, day(14))).sort()).toEqual([kept, watchedInMuted, tookPartMuted].sort());
    expect([mutedTag, mutedThread, mutedCategory]).toHaveLength(3);
  });

  it("leaves out held, hidden and deleted threads the reader may not see", async () => {
    const reader = await makeUser("member");
    const author = await makeUser("customer");
    const newcomer = await makeNewMember();
    const staff = await makeUser("staff");
    await watch(reader, "category", "general", "watching");
    const visible = await thread(author, 8, "Camera shows a black screen at night");
    // The test database holds nobody's posts; a new member's are held where the community says so.
    await holdNewMembers();
    const held = await thread(newcomer, 8, "My very first question about the hub");
    await stopHoldingNewMembers();
    const hidden = await thread(author, 8, "A question staff hid later on");
    const deleted = await thread(author, 8, "A question staff deleted later on");
    await at(9, async () => decideOnPost(staff, await questionOf(hidden), { decision: "hide", reason: "Off-topic" }));
    await at(9, async () => decideOnPost(staff, await questionOf(deleted), { decision: "delete", reason: "Spam" }));

    const states = await scriptDb()
      .select({ visibility: threads.visibility })
      .from(threads)
      .where(inArray(threads.id, [held, hidden, deleted]));
    expect(states.map((t) => t.visibility).sort()).toEqual(["deleted", "held", "hidden"]);
    expect(threadIds(await digestFor(reader.id, day(14)))).toEqual([visible]);
    // A digest is mailed out: even staff, who see held and hidden posts at work, get only what everyone may read.
    await watch(staff, "category", "general", "watching");
    await saveDigestFrequency(staff, { digestFrequency: "weekly" });
    expect(threadIds(await digestFor(staff.id, day(14)))).toEqual([visible]);
    expect([held, hidden, deleted]).toHaveLength(3);
  });

  it("leaves out the reader's own new threads and their own answers, but not others' answers in their thread", async () => {
    const reader = await makeUser("customer");
    const other = await makeUser("customer");
    await watch(reader, "category", "general", "watching");
    await thread(reader, 8, "My own new question about the hub");
    const ownOld = await thread(reader, 1, "My older question that I answered myself");
    await at(9, () => makeAnswer(reader, ownOld, "Found it: a loose cable."));
    const answeredByOthers = await thread(reader, 1, "My older question that others answered");
    await at(9, () => makeAnswer(other, answeredByOthers, "Reset it with the pin."));

    expect(threadIds(await digestFor(reader.id, day(14)))).toEqual([answeredByOthers]);
  });

  it("ranks by votes, answers and recency, and keeps at most 10", async () => {
    const reader = await makeUser("customer");
    const author = await makeUser("customer");
    const voters = await Promise.all([1, 2, 3].map(() => makeUser("customer")));
    await watch(reader, "category", "billing", "watching");
    const place = { category: "billing", tags: "billing" };
    const oldQuiet = await thread(author, 8, "Old quiet billing question", place);
    const newQuiet = await thread(author, 13, "New quiet billing question", place);
    const voted = await thread(author, 9, "Billing question with three votes", place);
    const answered = await thread(author, 10, "Billing question with one answer", place);
    for (const voter of voters) await at(9, async () => castVote(voter, await questionOf(voted), { value: "1" }));
    await at(10.5, () => makeAnswer(voters[0], answered, "Check the invoice date."));

    // 2 × 3 votes + 4 × 2/7 = 7.1; 3 × 1 answer + 4 × 3.5/7 = 5; 4 × 6/7 = 3.4; 4 × 1/7 = 0.6
    expect(threadIds(await digestFor(reader.id, day(14)))).toEqual([voted, answered, newQuiet, oldQuiet]);

    for (let i = 0; i < 8; i++) await thread(author, 11, `Another billing question number ${i}`, place);
    const digest = await digestFor(reader.id, day(14));
    expect(digest!.threads).toHaveLength(MAX_DIGEST_THREADS);
    expect(threadIds(digest)).not.toContain(oldQuiet);
  });

  it("adds unanswered questions from the period in tags the reader has answered in, oldest first", async () => {
    const reader = await makeUser("customer");
    const author = await makeUser("customer");
    const earlier = await thread(author, 1, "Which locks work with the hub", { tags: "locks" });
    await at(2, () => makeAnswer(reader, earlier, "The Yale ones do."));
    const second = await thread(author, 9, "Lock does not report its battery", { tags: "locks, setup" });
    const first = await thread(author, 8, "Lock pairs but never locks", { tags: "locks" });
    const answered = await thread(author, 8, "Lock beeps three times at night", { tags: "locks" });
    await at(9, () => makeAnswer(author, answered, "It means the battery is low."));
    await thread(author, 8, "Lights flicker on the hallway dimmer", { tags: "lights" });
    await thread(author, 3, "Lock question from before the period", { tags: "locks" });

    const digest = await digestFor(reader.id, day(14));
    expect(digest!.threads).toEqual([]);
    expect(digest!.unanswered.map((entry) => entry.id)).toEqual([first, second]);
  });

  it("is null when there is nothing, and costs the same queries for 2 threads as for 10", async () => {
    const reader = await makeUser("customer");
    const author = await makeUser("customer");
    expect(await digestFor(reader.id, day(14))).toBeNull();

    await watch(reader, "category", "billing", "watching");
    const place = { category: "billing", tags: "billing" };
    for (let i = 0; i < 2; i++) await thread(author, 8, `Small digest question ${i}`, place);
    await afterCommitWorkDone(); // the questions' follow-up checks, which would count as the digest's
    const small = await countQueries(() => digestFor(reader.id, day(14)));
    for (let i = 0; i < 8; i++) await thread(author, 9, `Larger digest question ${i}`, place);
    await afterCommitWorkDone();
    expect((await digestFor(reader.id, day(14)))!.threads).toHaveLength(10);
    expect(await countQueries(() => digestFor(reader.id, day(14)))).toBe(small);
  });
});

describe("sendDueDigests", () => {
  async function follower(role: "customer" | "member" | "staff" = "customer") {
    const user = await makeUser(role);
    await watch(user, "category", "billing", "watching");
    return user;
  }
  const billingThread = (when: number, title: string) =>
    thread(followedAuthor!, when, title, { category: "billing", tags: "billing" });
  let followedAuthor: Member | undefined;
  beforeEach(async () => {
    followedAuthor = await makeUser("customer");
  });

  it("sends nobody a digest who visited within the period, and one once they have been away a week", async () => {
    const reader = await follower();
    await billingThread(8, "Charged after cancelling my plan");
    await at(10, () => noteSeen(reader.id, day(10)));
    await sendDueDigests(day(14));
    expect(await digestsTo(reader)).toHaveLength(0);

    const later = await billingThread(12, "Receipt is missing the VAT number");
    await sendDueDigests(day(17));
    const [email] = await digestsTo(reader);
    expect(email.subject).toBe("What you missed on Nimbus Community: 1 new thread");
    expect(email.text).toContain("Receipt is missing the VAT number");
    expect(email.text).not.toContain("Charged after cancelling");
    expect(email.text).toContain(`/questions/${later}/`);
    expect(email.text).toContain(
      "You get this digest weekly because you have not visited since 11 March 2027.".replace(
        "11 March 2027",
        day(10).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }),
      ),
    );
  });

  it("sends daily digests a day apart and weekly ones a week apart, each once per period", async () => {
    const daily = await follower();
    const weekly = await follower();
    await setUser(daily, { digestFrequency: "daily" });
    await billingThread(8, "Weekly-only billing question");
    await billingThread(13.5, "Billing question of the last day");

    await sendDueDigests(day(14));
    await sendDueDigests(day(14));
    expect((await digestsTo(daily)).map((email) => email.subject)).toEqual([
      "What you missed on Nimbus Community: 1 new thread",
    ]);
    expect((await digestsTo(weekly)).map((email) => email.subject)).toEqual([
      "What you missed on Nimbus Community: 2 new threads",
    ]);

    await billingThread(14.2, "Billing question of the next morning");
    await sendDueDigests(day(14.5));
    expect(await digestsTo(daily)).toHaveLength(1);
    await sendDueDigests(day(15));
    expect(await digestsTo(daily)).toHaveLength(2);
    expect((await digestsTo(daily))[1].text).toContain("Billing question of the next morning");
    expect(await digestsTo(weekly)).toHaveLength(1);
  });

  it("sends staff none unless they choose one, and nobody who unsubscribed or has an unconfirmed address", async () => {
    const staff = await follower("staff");
    const staffWhoChose = await follower("staff");
    await saveDigestFrequency(staffWhoChose, { digestFrequency: "weekly" });
    const unsubscribed = await follower();
    await unsubscribe(Object.fromEntries(new URL(await unsubscribeUrl(unsubscribed.id, "digest")).searchParams));
    const unconfirmed = await follower();
    await setUser(unconfirmed, { emailConfirmedAt: null });
    const chosenOff = await follower();
    await saveDigestFrequency(chosenOff, { digestFrequency: "off" });
    await billingThread(9, "Plan renewal date is wrong");

    await sendDueDigests(day(14));
    expect(await digestsTo(staff)).toHaveLength(0);
    expect(await digestsTo(staffWhoChose)).toHaveLength(1);
    expect(await digestsTo(unsubscribed)).toHaveLength(0);
    expect(await digestsTo(unconfirmed)).toHaveLength(0);
    expect(await digestsTo(chosenOff)).toHaveLength(0);
    expect(await digestSettings(unsubscribed)).toEqual({ frequency: "off", roleDefault: "weekly" });
    expect(await digestSettings(staff)).toEqual({ frequency: "off", roleDefault: "off" });

    // Choosing weekly again on the settings page takes back the unsubscribe.
    await saveDigestFrequency(unsubscribed, { digestFrequency: "weekly" });
    expect(await digestSettings(unsubscribed)).toEqual({ frequency: "weekly", roleDefault: "weekly" });
    await expect(saveDigestFrequency(unsubscribed, { digestFrequency: "hourly" })).rejects.toMatchObject({
      fieldErrors: { digestFrequency: "Choose daily, weekly or never." },
    });
  });

  it("sends nothing for an empty digest and looks again a period later, not at every run", async () => {
    const reader = await follower();
    await sendDueDigests(day(14));
    expect(await digestsTo(reader)).toHaveLength(0);
    const checked = firstRow(await scriptDb().select().from(users).where(eq(users.id, reader.id)))!;
    expect(checked.lastDigestAt).toEqual(day(14));

    await billingThread(15, "Question right after an empty check");
    await sendDueDigests(day(16));
    expect(await digestsTo(reader)).toHaveLength(0);
    await sendDueDigests(day(21));
    expect(await digestsTo(reader)).toHaveLength(1);
  });

  it("sends one digest when two runs go at once", async () => {
    const reader = await follower();
    await billingThread(9, "Two runs, one digest please");
    await Promise.all([sendDueDigests(day(14)), sendDueDigests(day(14))]);
    await sendDueDigests(day(14));
    expect(await digestsTo(reader)).toHaveLength(1);
  });
});
