import fs from "node:fs";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emailOutbox, followUpSurveys } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb, firstRow } from "~/lib/db.server";
import { ValidationError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { saveEmailPreferences, unsubscribe, unsubscribeUrl } from "~/models/notifications/email-preferences.server";
import {
  listNotifications,
  openNotification,
  unreadNotificationCount,
} from "~/models/notifications/notifications.server";
import { sendPendingEmails } from "~/models/notifications/outbox.server";
import { replyOnFollowUp } from "~/models/support/messages.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { mailReader } from "../../fixtures/mail";

const DAY = 24 * 3600_000;
const START = new Date("2026-11-02T09:00:00Z");
let customer: Member;
let staff: Member;

beforeAll(async () => {
  customer = await makeUser("customer");
  staff = await makeUser("staff");
});
beforeEach(async () => {
  await resetAllLimits();
  setClock(START);
});
afterEach(() => setClock(null));

const emailsTo = async (user: Member, kind?: string) =>
  await scriptDb()
    .select()
    .from(emailOutbox)
    .where(and(eq(emailOutbox.userId, user.id), kind ? eq(emailOutbox.kind, kind as "survey") : undefined));

async function resolvedFollowUp(daysAfterStart: number) {
  setClock(new Date(START.getTime() + daysAfterStart * DAY));
  await resetAllLimits();
  const { threadId } = await makeThread(customer, { title: `Question on day ${daysAfterStart} of the month` });
  const { followUpId } = await requestFollowUp(customer, threadId);
  // Staff answer before resolving: only then is there a satisfaction question (DECISIONS.md 5X).
  await makeAnswer(staff, threadId, "Fixed on our side: update the app and try again.");
  await workOnFollowUp(staff, followUpId, { intent: "status", status: "resolved" });
  return followUpId;
}

describe("notifications", () => {
  it("tells the customer in the app and by email when staff reply, and writes .eml files", async () => {
    const { threadId } = await makeThread(customer, { title: "Lights flicker at dusk every evening" });
    const { followUpId } = await requestFollowUp(customer, threadId);
    await replyOnFollowUp(staff, followUpId, { body: "Which bulbs are they?", visibility: "private", then: "waiting" });

    // The customer asked for the follow-up themselves: nobody is told of their own actions.
    expect((await listNotifications(customer)).map((n) => n.title)).toEqual([
      "Support replied: Lights flicker at dusk every evening",
    ]);
    const unread = await unreadNotificationCount(customer);
    const reply = (await listNotifications(customer)).find((n) => n.kind === "follow-up-reply")!;
    expect(await openNotification(customer, reply.id)).toBe(`/support/${followUpId}#conversation`);
    expect(await unreadNotificationCount(customer)).toBe(unread - 1);

    expect(await sendPendingEmails()).toEqual({ sent: 1, failed: 0, skipped: 0 });
    expect(await sendPendingEmails()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    const files = fs
      .readdirSync(process.env.MAIL_DIR!)
      .map((name) => fs.readFileSync(`${process.env.MAIL_DIR}/${name}`, "utf8"));
    const email = files.find((text) => text.includes("Subject: Support replied: Lights flicker"))!;
    expect(email).toContain(`To: ${customer.username}@example.test`);
    expect(email).toContain("Which bulbs are they?");
    expect(email).toContain("Content-Type: text/html");
    // Long headers are folded onto the next line, as RFC 5322 allows.
    expect(email).toMatch(
      /List-Unsubscribe:\s+<http:\/\/localhost:\d+\/unsubscribe\?u=\d+&k=follow-up-reply&t=[\w-]+>/,
    );
    expect(email).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
  });

  it("sends support's question at once after the taken email, and its Markdown as HTML", async () => {
    const mail = mailReader();
    const address = `${customer.username}@example.test`;
    const { threadId } = await makeThread(customer, { title: "Sprinkler skips the back garden" });
    const { followUpId } = await requestFollowUp(customer, threadId);
    await sendPendingEmails();
    await workOnFollowUp(staff, followUpId, { intent: "take" });
    expect(await sendPendingEmails()).toMatchObject({ sent: 1 });
    await mail.next(address, "Sprinkler skips the back garden");

    // Staff write half a minute after taking it: the customer is waiting on this one.
    setClock(new Date(START.getTime() + 30_000));
    await replyOnFollowUp(staff, followUpId, {
      body: "Which **zone** is it? See [the zones guide](/kb/zones).\n\n<script>alert(1)</script>",
      visibility: "private",
      then: "waiting",
    });
    expect(await sendPendingEmails()).toMatchObject({ sent: 1 });
    const email = await mail.next(address, "Support replied: Sprinkler skips the back garden");
    const [text, html] = email.split("Content-Type: text/html");
    expect(text).toContain("Which **zone** is it?");
    expect(html).toContain(`<p>${staff.username} from support wrote:</p>`);
    expect(html).toContain("<strong>zone</strong>");
    expect(html).toMatch(/<a href="http:\/\/localhost:\d+\/kb\/zones"[^>]*>the zones guide<\/a>/);
    expect(html).not.toContain("<script");
  });

  it("stops one kind of email after one-click unsubscribe, keeps the in-app notification, and refuses forged links", async () => {
    const link = new URL(await unsubscribeUrl(customer.id, "follow-up-status"));
    await expect(unsubscribe({ ...Object.fromEntries(link.searchParams), u: String(staff.id) })).rejects.toThrow(
      ValidationError,
    );
    await expect(unsubscribe({ ...Object.fromEntries(link.searchParams), t: "A".repeat(43) })).rejects.toThrow(
      ValidationError,
    );
    await unsubscribe(Object.fromEntries(link.searchParams));

    const before = (await emailsTo(customer, "follow-up-status")).length;
    const { threadId } = await makeThread(customer, { title: "Thermostat loses its schedule overnight" });
    const { followUpId } = await requestFollowUp(customer, threadId);
    await workOnFollowUp(staff, followUpId, { intent: "status", status: "waiting" });
    expect(await emailsTo(customer, "follow-up-status")).toHaveLength(before);
    expect(
      (await listNotifications(customer)).some(
        (n) => n.title === "Support is waiting for your reply: Thermostat loses its schedule overnight",
      ),
    ).toBe(true);

    await saveEmailPreferences(customer, {
      "follow-up-status": "on",
      "follow-up-opened": "on",
      "follow-up-reply": "on",
      "follow-up-resolved": "on",
      survey: "on",
    });
    await workOnFollowUp(staff, followUpId, { intent: "status", status: "open" });
    expect(await emailsTo(customer, "follow-up-status")).toHaveLength(before + 1);
  });

  it("emails at most one satisfaction question per customer per 7 days, and asks once per follow-up", async () => {
    const first = await resolvedFollowUp(10);
    const second = await resolvedFollowUp(12);
    const third = await resolvedFollowUp(18);
    const surveys = (await emailsTo(customer, "survey")).map((email) => email.subject);
    expect(surveys).toEqual([
      "How did we do? Resolved: Question on day 10 of the month",
      "How did we do? Resolved: Question on day 18 of the month",
    ]);
    // The follow-up in between still gets its question in the app, and a plain "resolved" email.
    expect((await emailsTo(customer, "follow-up-resolved")).map((email) => email.subject)).toContain(
      "Resolved: Question on day 12 of the month",
    );
    const emailed = async (id: number) =>
      firstRow(await scriptDb().select().from(followUpSurveys).where(eq(followUpSurveys.followUpId, id)))!.emailedAt;
    expect([await emailed(first), await emailed(second), await emailed(third)].map((at) => at !== null)).toEqual([
      true,
      false,
      true,
    ]);

    // Reopened and resolved again: no second question.
    await workOnFollowUp(staff, third, { intent: "status", status: "open" });
    await workOnFollowUp(staff, third, { intent: "status", status: "resolved" });
    expect(await scriptDb().select().from(followUpSurveys).where(eq(followUpSurveys.followUpId, third))).toHaveLength(
      1,
    );
    expect(await emailsTo(customer, "survey")).toHaveLength(2);
  });
});
