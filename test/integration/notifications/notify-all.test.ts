// Telling many people at once (a fan-out's batch) gives each the bell and the email that telling
// them one by one would: gathered per person and subject, none to the unconfirmed or opted out.
import { eq, inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emailOptOuts, emailOutbox, notifications, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb, writeUnseenByVisitors } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { notifyAll as notifyAllInWrite, type Notification } from "~/models/notifications/notifications.server";
import { COALESCE_WINDOW_MS } from "~/models/notifications/outbox.server";
import { makeThread, makeUser } from "../../fixtures/factories";

const START = new Date("2026-11-04T10:00:00Z");
beforeEach(() => setClock(START));
afterEach(() => setClock(null));

// notifyAll runs inside its caller's write, as in the app.
const notifyAll = (list: Notification[]) => writeUnseenByVisitors(() => notifyAllInWrite(list));
const about = (threadId: number) => ({ kind: "thread", threadId }) as const;
const news = (to: Member, threadId: number, overrides: Partial<Notification> = {}): Notification => ({
  userId: to.id,
  kind: "watched",
  title: `News for ${to.username}`,
  path: `/questions/${threadId}`,
  reason: "You are watching this question.",
  actorId: null,
  threadId,
  about: about(threadId),
  ...overrides,
});
const bellOf = async (user: Member) =>
  await scriptDb().select().from(notifications).where(eq(notifications.userId, user.id)).orderBy(notifications.id);
const emailsOf = async (user: Member) =>
  await scriptDb().select().from(emailOutbox).where(eq(emailOutbox.userId, user.id)).orderBy(emailOutbox.id);

describe("notifyAll", () => {
  it("tells everyone in the app and emails only who may be emailed, one email per person and subject", async () => {
    const [asker, twice, tracker, unconfirmed, optedOut, actor] = await Promise.all(
      ["customer", "member", "member", "member", "member", "member"].map((role) => makeUser(role as "member")),
    );
    const { threadId } = await makeThread(asker, { title: "Porch light blinks twice" });
    await scriptDb().update(users).set({ emailConfirmedAt: null }).where(eq(users.id, unconfirmed.id));
    await scriptDb().insert(emailOptOuts).values({ userId: optedOut.id, kind: "watched", createdAt: START });

    const emailed = await notifyAll([
      news(twice, threadId, { kind: "new-answer", title: "First news", actorId: actor.id }),
      news(twice, threadId, { kind: "mention", title: "Second news", actorId: actor.id }),
      news(tracker, threadId, { bellOnly: true }),
      news(unconfirmed, threadId),
      news(optedOut, threadId),
      news(optedOut, threadId, { kind: "mention" }),
      news(actor, threadId, { actorId: actor.id }),
    ]);

    expect(emailed).toEqual([true, true, false, false, false, true, false]);
    const twiceBell = await bellOf(twice);
    expect(twiceBell.map((n) => n.title)).toEqual(["First news", "Second news"]);
    const twiceEmails = await emailsOf(twice);
    expect(twiceEmails).toHaveLength(1);
    expect(twiceEmails[0]).toMatchObject({ subject: "First news", subjectKey: `thread:${threadId}` });
    expect(twiceEmails[0].sendAfter.getTime()).toBe(START.getTime());
    expect(twiceBell.every((n) => n.emailId === twiceEmails[0].id)).toBe(true);
    expect(twiceEmails[0].replyTo).toMatch(/^reply\+/);

    expect((await bellOf(tracker)).map((n) => n.emailId)).toEqual([null]);
    expect(await emailsOf(tracker)).toEqual([]);
    expect((await bellOf(unconfirmed)).map((n) => n.emailId)).toEqual([null]);
    expect(await emailsOf(unconfirmed)).toEqual([]);
    // Opted out of "watched" only: the mention still goes.
    const optedOutBell = await bellOf(optedOut);
    const optedOutEmails = await emailsOf(optedOut);
    expect(optedOutEmails.map((e) => e.kind)).toEqual(["mention"]);
    expect(optedOutBell.map((n) => [n.kind, n.emailId])).toEqual([
      ["watched", null],
      ["mention", optedOutEmails[0].id],
    ]);
    expect(await bellOf(actor)).toEqual([]);
  });

  it("joins a waiting email, waits out the 10 minutes after a sent one, and lets staff news go at once", async () => {
    const [asker, waiting, recentlyEmailed, staff] = await Promise.all([
      makeUser("customer"),
      makeUser("member"),
      makeUser("member"),
      makeUser("staff"),
    ]);
    const { threadId } = await makeThread(asker, { title: "Garage door opens by itself" });
    const later = new Date(START.getTime() + 5 * 60_000);
    const [queued] = await notifyAll([news(waiting, threadId)]);
    expect(queued).toBe(true);
    const [held] = await emailsOf(waiting);
    await scriptDb().update(emailOutbox).set({ sendAfter: later }).where(eq(emailOutbox.id, held.id));
    await notifyAll([news(recentlyEmailed, threadId)]);
    await scriptDb().update(emailOutbox).set({ sentAt: START }).where(eq(emailOutbox.userId, recentlyEmailed.id));
    await notifyAll([news(staff, threadId, { kind: "staff-follow-up-reply" })]);
    const [staffHeld] = await emailsOf(staff);
    await scriptDb().update(emailOutbox).set({ sendAfter: later }).where(eq(emailOutbox.id, staffHeld.id));

    setClock(new Date(START.getTime() + 60_000));
    await notifyAll([
      news(waiting, threadId, { title: "Joins the waiting one" }),
      news(recentlyEmailed, threadId, { title: "Waits its turn" }),
      news(staff, threadId, { kind: "staff-follow-up-reply", title: "Goes at once" }),
    ]);

    const waitingEmails = await emailsOf(waiting);
    expect(waitingEmails.map((e) => [e.id, e.sendAfter.getTime()])).toEqual([[held.id, later.getTime()]]);
    expect((await bellOf(waiting)).map((n) => n.emailId)).toEqual([held.id, held.id]);
    const recentEmails = await emailsOf(recentlyEmailed);
    expect(recentEmails).toHaveLength(2);
    expect(recentEmails[1].sendAfter.getTime()).toBe(recentEmails[0].createdAt.getTime() + COALESCE_WINDOW_MS);
    expect((await emailsOf(staff)).map((e) => [e.id, e.sendAfter.getTime()])).toEqual([
      [staffHeld.id, START.getTime() + 60_000],
    ]);
  });

  it("tells the same notification twice when it is passed twice, each with its own email when it has no subject", async () => {
    const [asker, reader] = await Promise.all([makeUser("customer"), makeUser("member")]);
    const { threadId } = await makeThread(asker, { title: "Doorbell rings at night" });
    const once = news(reader, threadId, { about: null, emailText: "Your doorbell settings changed." });
    expect(await notifyAll([once, once])).toEqual([true, true]);
    const emails = await emailsOf(reader);
    expect(emails).toHaveLength(2);
    expect((await bellOf(reader)).map((n) => n.emailId)).toEqual(emails.map((email) => email.id));
  });

  it("tells a batch of 200 in one call, each once", async () => {
    const asker = await makeUser("customer");
    const { threadId } = await makeThread(asker, { title: "Two hundred watchers" });
    const readers = await Promise.all(Array.from({ length: 200 }, () => makeUser("member")));
    const emailed = await notifyAll(readers.map((reader) => news(reader, threadId)));
    expect(emailed.every(Boolean)).toBe(true);
    const ids = readers.map((reader) => reader.id);
    const bell = await scriptDb().select().from(notifications).where(inArray(notifications.userId, ids));
    const emails = await scriptDb().select().from(emailOutbox).where(inArray(emailOutbox.userId, ids));
    expect(bell).toHaveLength(200);
    expect(emails).toHaveLength(200);
    const emailOf = new Map(emails.map((email) => [email.userId, email.id]));
    expect(bell.every((n) => n.emailId === emailOf.get(n.userId))).toBe(true);
  });
});
