// Who is told of what: the asker, answer authors, watchers at each level, muted people, held posts,
// and nobody told of their own actions.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { notificationFanOuts, notifications, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { markSolution, unmarkSolution } from "~/models/community/solutions.server";
import { editPost } from "~/models/community/posts.server";
import { decideOnPost } from "~/models/moderation/review.server";
import { moderateThread } from "~/models/moderation/threads.server";
import { deliverFanOuts } from "~/models/notifications/fan-out.server";
import { listNotifications } from "~/models/notifications/notifications.server";
import { setWatchLevel } from "~/models/notifications/watching.server";
import {
  ensureVocabulary,
  makeAnswer,
  makeThread,
  makeUser,
  holdNewMembers,
  stopHoldingNewMembers,
  makeNewMember,
} from "../../fixtures/factories";

const db = scriptDb;
const START = new Date("2026-11-02T09:00:00Z");
let clock = START.getTime();
/** Moves the clock on a minute: each step of a story happens after the one before. */
const later = () => setClock(new Date((clock += 60_000)));

beforeAll(ensureVocabulary);
beforeEach(async () => {
  await resetAllLimits();
  later();
  // Each test counts only what its own posts told.
  await deliverFanOuts();
});
afterEach(() => setClock(null));

/** What `user` was told, oldest first: kind, title, reason and whether it is bell-only. */
async function toldTo(user: Member) {
  const rows = await db()
    .select()
    .from(notifications)
    .where(eq(notifications.userId, user.id))
    .orderBy(notifications.id);
  return rows.map((row) => ({ kind: row.kind, title: row.title, reason: row.reason, emailed: row.emailId !== null }));
}

const watch = (user: Member, target: "thread" | "tag" | "category", key: string | number, level: string) =>
  setWatchLevel(user, { target, key: String(key), level });

describe("who hears of a new post", () => {
  it("tells the asker, the watchers of its tags and category (tracking: bell only), and not its author", async () => {
    const [asker, answerer, tagWatcher, categoryTracker, bystander] = [
      await makeUser("customer"),
      await makeUser("member"),
      await makeUser("member"),
      await makeUser("staff"),
      await makeUser("member"),
    ];
    later();
    await watch(tagWatcher, "tag", "wifi", "watching");
    later();
    await watch(categoryTracker, "category", "general", "tracking");
    later();
    const { threadId } = await makeThread(asker, { title: "The hub drops off the network at night", tags: "wifi" });
    await deliverFanOuts();
    expect(await toldTo(tagWatcher)).toEqual([
      {
        kind: "watched",
        title: "New question: The hub drops off the network at night",
        reason: "You are watching the tag wifi.",
        emailed: true,
      },
    ]);
    expect(await toldTo(categoryTracker)).toEqual([
      expect.objectContaining({ reason: "You are tracking the category General.", emailed: false }),
    ]);

    later();
    await makeAnswer(answerer, threadId, "Turn off band steering on the router.");
    await deliverFanOuts();
    expect((await toldTo(asker)).map(({ kind, reason }) => ({ kind, reason }))).toEqual([
      { kind: "new-answer", reason: "You asked this question." },
    ]);
    expect(await toldTo(answerer)).toEqual([]);
    expect(await toldTo(bystander)).toEqual([]);
    expect((await toldTo(tagWatcher)).map((row) => row.title)).toEqual([
      "New question: The hub drops off the network at night",
      `${answerer.username} answered: The hub drops off the network at night`,
    ]);

    // The answerer now watches the thread (asking or answering watches it): the asker's reply reaches them.
    later();
    await makeAnswer(asker, threadId, "That fixed it, thank you.");
    await deliverFanOuts();
    expect(await toldTo(answerer)).toEqual([
      expect.objectContaining({ kind: "watched", reason: "You are watching this question." }),
    ]);
  });

  it("tells nobody who muted the thread, its category or one of its tags, and lets a thread's own level win", async () => {
    const [asker, answerer, mutedAsker, tagMuter, threadNormal] = [
      await makeUser("customer"),
      await makeUser("member"),
      await makeUser("customer"),
      await makeUser("member"),
      await makeUser("member"),
    ];
    later();
    await watch(tagMuter, "category", "general", "watching");
    later();
    await watch(tagMuter, "tag", "setup", "muted");
    later();
    await watch(threadNormal, "tag", "wifi", "watching");
    later();
    const { threadId } = await makeThread(asker, { tags: "wifi, setup" });
    later();
    const mine = await makeThread(mutedAsker, { title: "My own question I muted", tags: "wifi" });
    later();
    await watch(mutedAsker, "thread", mine.threadId, "muted");
    later();
    await watch(threadNormal, "thread", threadId, "normal");
    later();
    await makeAnswer(answerer, threadId, "An answer to the first question.");
    later();
    await makeAnswer(answerer, mine.threadId, "An answer to the muted question.");
    await deliverFanOuts();
    expect(await toldTo(mutedAsker)).toEqual([]);
    // The muted tag silences the first thread; the watched category still tells of the second.
    expect((await toldTo(tagMuter)).map((row) => row.title)).toEqual([
      "New question: My own question I muted",
      `${answerer.username} answered: My own question I muted`,
    ]);
    // Watching the tag still tells them of the other thread's news; this thread's "normal" wins here.
    // A chosen "normal" applies whenever it was set (only watching counts from when it began).
    expect((await toldTo(threadNormal)).map((row) => row.title)).toEqual([
      "New question: My own question I muted",
      `${answerer.username} answered: My own question I muted`,
    ]);
  });

  it("announces a held answer when it is approved, once, and a hidden one never", async () => {
    const [asker, newcomer, staff] = [await makeUser("customer"), await makeNewMember(), await makeUser("staff")];
    await holdNewMembers();
    try {
      later();
      const { threadId } = await makeThread(asker, { title: "Where is the reset button?" });
      later();
      const held = await makeAnswer(newcomer, threadId, "It is under the rubber foot.");
      expect(held.held).toBe(true);
      await deliverFanOuts();
      expect(await toldTo(asker)).toEqual([]);
      later();
      await decideOnPost(staff, held.postId, { decision: "approve" });
      await deliverFanOuts();
      expect((await toldTo(asker)).map((row) => row.kind)).toEqual(["new-answer"]);
      later();
      await decideOnPost(staff, held.postId, { decision: "hide" });
      later();
      await decideOnPost(staff, held.postId, { decision: "restore" });
      await deliverFanOuts();
      expect((await toldTo(asker)).map((row) => row.kind)).toEqual(["new-answer"]);
    } finally {
      await stopHoldingNewMembers();
    }
  });

  it("resumes a fan-out cut short without telling anyone twice", async () => {
    const [asker, answerer] = [await makeUser("customer"), await makeUser("member")];
    const watchers = [];
    for (let i = 0; i < 7; i += 1) watchers.push(await makeUser("member"));
    later();
    // In a category and tag nobody else in this file watches.
    const { threadId } = await makeThread(asker, {
      title: "A thread many people watch",
      category: "billing",
      tags: "firmware",
    });
    later();
    for (const watcher of watchers) await watch(watcher, "thread", threadId, "watching");
    later();
    const { postId } = await makeAnswer(answerer, threadId, "Everyone hears of this.");
    // As if a run told the asker and the first three watchers, then stopped.
    const firstFour = [asker, ...watchers.slice(0, 3)].sort((a, b) => a.id - b.id);
    await db()
      .update(notificationFanOuts)
      .set({ notifiedThrough: firstFour.at(-1)!.id })
      .where(eq(notificationFanOuts.postId, postId));
    expect(await deliverFanOuts()).toEqual({ told: 4 });
    expect(await deliverFanOuts()).toEqual({ told: 0 });
    for (const watcher of watchers.slice(3)) expect(await toldTo(watcher)).toHaveLength(1);
  });
});

describe("who hears of a change to their post or thread", () => {
  it("tells an answer's author of accept, unaccept and staff verification, and the asker of verification", async () => {
    const [asker, answerer, staff] = [await makeUser("customer"), await makeUser("member"), await makeUser("staff")];
    later();
    const { threadId } = await makeThread(asker, { title: "Pairing keeps failing" });
    later();
    const { postId } = await makeAnswer(answerer, threadId, "Hold the button for ten seconds.");
    await deliverFanOuts();
    later();
    await markSolution(asker, postId, "accepted");
    later();
    await unmarkSolution(asker, postId, "accepted");
    later();
    await markSolution(staff, postId, "verified");
    expect((await toldTo(answerer)).map((row) => row.title)).toEqual([
      "Your answer was accepted: Pairing keeps failing",
      "Your answer is no longer accepted: Pairing keeps failing",
      "Staff verified your answer as the solution: Pairing keeps failing",
    ]);
    expect((await toldTo(asker)).map((row) => row.title)).toEqual([
      `${answerer.username} answered: Pairing keeps failing`,
      "Staff verified a solution: Pairing keeps failing",
    ]);
  });

  it("tells the author of a staff edit and the asker of a close with its reason, but nobody of their own", async () => {
    const [asker, staff] = [await makeUser("customer"), await makeUser("staff")];
    later();
    const { threadId, questionPostId } = await makeThread(asker, { title: "Battery drains overnight" });
    later();
    await editPost(asker, questionPostId, { title: "Battery drains overnight", body: "My own edit, told to nobody." });
    later();
    await editPost(staff, questionPostId, { title: "Battery drains overnight", body: "Staff tidied this." });
    later();
    await moderateThread(staff, threadId, { action: "close", reason: "Answered in the battery guide." });
    later();
    await moderateThread(staff, threadId, { action: "pin" });
    const told = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, asker.id), eq(notifications.kind, "question-changed")))
      .orderBy(notifications.id);
    expect(told.map((row) => row.title)).toEqual([
      "Staff edited your question: Battery drains overnight",
      "Staff closed your question: Battery drains overnight",
    ]);
    expect(told[1].emailText).toContain("The reason: Answered in the battery guide.");
    expect(await toldTo(staff)).toEqual([]);
  });

  it("watches what a person asks or answers unless they turned that off", async () => {
    const [asker, answerer, quiet] = [await makeUser("customer"), await makeUser("member"), await makeUser("member")];
    await db().update(users).set({ watchOnParticipate: false }).where(eq(users.id, quiet.id));
    later();
    const { threadId } = await makeThread(asker, { title: "Which hub firmware is current?" });
    later();
    await makeAnswer(answerer, threadId, "Version 4.2.");
    later();
    await makeAnswer(quiet, threadId, "4.2, released last week.");
    later();
    await makeAnswer(asker, threadId, "Thanks both.");
    await deliverFanOuts();
    expect((await toldTo(answerer)).map((row) => row.reason)).toEqual([
      "You are watching this question.",
      "You are watching this question.",
    ]);
    expect(await toldTo(quiet)).toEqual([]);
  });
});

describe("who hears of a mention", () => {
  it("tells the first 10 people a post mentions, not its author nor who muted the thread, and not twice", async () => {
    const [asker, author, muter] = [await makeUser("customer"), await makeUser("member"), await makeUser("member")];
    const named = [];
    for (let i = 0; i < 11; i += 1) named.push(await makeUser("member"));
    later();
    const { threadId } = await makeThread(asker, { title: "Who knows the hub's API?", category: "billing", tags: "" });
    later();
    await watch(muter, "thread", threadId, "muted");
    later();
    const mentions = [author, muter, ...named].map((user) => `@${user.username}`).join(" ");
    const { postId } = await makeAnswer(author, threadId, `Asking ${mentions}, and \`@${asker.username}\` in code.`);
    await deliverFanOuts();
    expect(await toldTo(author)).toEqual([]);
    expect(await toldTo(muter)).toEqual([]);
    // The first 10 names of the post count: the author and the muter among them.
    const told = [];
    for (const user of named) told.push((await toldTo(user)).map((row) => row.kind));
    expect(told).toEqual([...Array(8).fill(["mention"]), [], [], []]);
    expect((await toldTo(named[0]))[0]).toMatchObject({
      title: `${author.username} mentioned you: Who knows the hub's API?`,
      reason: `${author.username} mentioned you.`,
    });

    // An edit tells only those it newly mentions.
    later();
    await editPost(author, postId, { body: `Asking @${named[0].username} and @${named[10].username} again.` });
    expect((await toldTo(named[0])).map((row) => row.kind)).toEqual(["mention"]);
    expect((await toldTo(named[10])).map((row) => row.kind)).toEqual(["mention"]);
  });

  it("tells nobody a held post mentions until it is approved", async () => {
    const [asker, newcomer, staff, named] = [
      await makeUser("customer"),
      await makeNewMember(),
      await makeUser("staff"),
      await makeUser("member"),
    ];
    await holdNewMembers();
    try {
      later();
      const { threadId } = await makeThread(asker, { title: "Mentions inside a held answer" });
      later();
      const held = await makeAnswer(newcomer, threadId, `I think @${named.username} knows.`);
      await deliverFanOuts();
      expect(await toldTo(named)).toEqual([]);
      later();
      await decideOnPost(staff, held.postId, { decision: "approve" });
      await deliverFanOuts();
      expect((await toldTo(named)).map((row) => row.kind)).toEqual(["mention"]);
    } finally {
      await stopHoldingNewMembers();
    }
  });
});

describe("news that waited", () => {
  it("respects a mute set while a held answer waited for review", async () => {
    const [asker, newcomer, staff] = [await makeUser("customer"), await makeNewMember(), await makeUser("staff")];
    await holdNewMembers();
    try {
      later();
      const { threadId } = await makeThread(asker, { title: "Muted while the answer waited" });
      later();
      const held = await makeAnswer(newcomer, threadId, "An answer that waits for review.");
      later();
      await watch(asker, "thread", threadId, "muted");
      later();
      await decideOnPost(staff, held.postId, { decision: "approve" });
      await deliverFanOuts();
      expect(await toldTo(asker)).toEqual([]);
    } finally {
      await stopHoldingNewMembers();
    }
  });

  it("tells nobody twice when two runs of the fan-out overlap", async () => {
    const [asker, answerer] = [await makeUser("customer"), await makeUser("member")];
    later();
    const { threadId } = await makeThread(asker, { title: "Two runners at once", category: "billing", tags: "" });
    later();
    await makeAnswer(answerer, threadId, "Both runs see this.");
    await Promise.all([deliverFanOuts(), deliverFanOuts(), deliverFanOuts()]);
    expect((await toldTo(asker)).map((row) => row.kind)).toEqual(["new-answer"]);
  });
});

describe("the bell", () => {
  it("keeps a notification about a post hidden since, without its title", async () => {
    const [asker, watcher, staff] = [await makeUser("member"), await makeUser("member"), await makeUser("staff")];
    later();
    await watch(watcher, "category", "billing", "watching");
    await watch(staff, "category", "billing", "watching");
    later();
    const { questionPostId } = await makeThread(asker, {
      title: "My neighbour's full name and address",
      category: "billing",
      tags: "",
    });
    await deliverFanOuts();
    expect((await listNotifications(watcher)).map((row) => row.title)).toContain(
      "New question: My neighbour's full name and address",
    );
    later();
    await decideOnPost(staff, questionPostId, { decision: "hide" });
    const bell = await listNotifications(watcher);
    expect(JSON.stringify(bell)).not.toContain("neighbour");
    expect(bell.map((row) => row.title)).toContain("A post you were told about is no longer available.");
    // Staff still see the hidden post, so their notification keeps its words.
    expect((await listNotifications(staff)).map((row) => row.title)).toContain(
      "New question: My neighbour's full name and address",
    );
  });
});
