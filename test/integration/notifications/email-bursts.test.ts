// Emails a person wants to read: a burst about one thread becomes one or two emails, each carries
// the posts' text, why it came and a one-click unsubscribe, and nothing hidden meanwhile is sent.
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emailOutbox } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { decideOnPost } from "~/models/moderation/review.server";
import { deliverFanOuts } from "~/models/notifications/fan-out.server";
import { sendPendingEmails } from "~/models/notifications/outbox.server";
import { ensureVocabulary, makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { mailReader } from "../../fixtures/mail";

const SECOND = 1000;
let clock = new Date("2026-11-03T08:00:00Z").getTime();
const at = (seconds: number) => setClock(new Date((clock += seconds * SECOND)));

beforeAll(ensureVocabulary);
beforeEach(async () => {
  await resetAllLimits();
  at(3600);
  await deliverFanOuts();
  await sendPendingEmails();
});
afterEach(() => setClock(null));

const emailsTo = async (user: Member) =>
  await scriptDb().select().from(emailOutbox).where(eq(emailOutbox.userId, user.id)).orderBy(emailOutbox.id);

describe("email bursts", () => {
  it("sends the first answer at once and gathers the next ones of the 10 minutes into one email", async () => {
    const mail = mailReader();
    const [asker, helper] = [await makeUser("customer"), await makeUser("member")];
    const { threadId } = await makeThread(asker, { title: "Hub offline after the update" });
    at(5);
    await makeAnswer(helper, threadId, "Unplug it for **ten** seconds.");
    await deliverFanOuts();
    expect((await sendPendingEmails()).sent).toBe(1);
    const first = await mail.next(`${asker.username}@example.test`);
    expect(first).toContain(`Subject: ${helper.username} answered: Hub offline after the update`);
    expect(first).toContain("<strong>ten</strong>");
    expect(first).toContain("You asked this question.");

    // Five more within the next minute: one email, sent when the 10 minutes since the first are over.
    for (const n of [1, 2, 3, 4, 5]) {
      at(10);
      await makeAnswer(helper, threadId, `Follow-up tip number ${n}.`);
      await deliverFanOuts();
      expect((await sendPendingEmails()).sent).toBe(0);
    }
    // The first went at 0:05, so the gathered one goes at 10:05.
    at(8 * 60);
    expect((await sendPendingEmails()).sent).toBe(0);
    at(80);
    expect((await sendPendingEmails()).sent).toBe(1);
    const second = await mail.next(`${asker.username}@example.test`);
    expect(second).toMatch(/Subject: .* answered: Hub offline after the update \(and 4\s+more\)/);
    for (const n of [1, 2, 3, 4, 5]) expect(second).toContain(`Follow-up tip number ${n}.`);
    expect(second).toMatch(/List-Unsubscribe:\s+<http:\/\/localhost:\d+\/unsubscribe\?u=\d+&k=new-answer&t=[\w-]+>/);
    expect(await emailsTo(asker)).toHaveLength(2);
  });

  it("leaves out a post hidden before the email goes, and sends nothing when nothing is left", async () => {
    const [asker, helper, staff] = [await makeUser("customer"), await makeUser("member"), await makeUser("staff")];
    const { threadId } = await makeThread(asker, { title: "Strange smell from the charger" });
    at(5);
    const spam = await makeAnswer(helper, threadId, "Buy cheap chargers at spam.example!");
    await deliverFanOuts();
    await decideOnPost(staff, spam.postId, { decision: "hide" });
    // The hidden answer's author hears from the moderator; the asker's email about it goes nowhere.
    expect(await sendPendingEmails()).toEqual({ sent: 1, failed: 0, skipped: 1 });
    const [email] = await emailsTo(asker);
    expect(email.sentAt).not.toBeNull();
    expect(email.text).toBe("");
    expect(email.lastError).toMatch(/nothing left to send/);
  });

  it("keeps hostile titles and bodies escaped in the HTML part and whole in the text part", async () => {
    const mail = mailReader();
    const [asker, helper] = [await makeUser("customer"), await makeUser("member")];
    const title = `<img src=x onerror=alert(1)> “Ünïcödé” 设置 🙂 & more`;
    const { threadId } = await makeThread(asker, { title });
    at(5);
    await makeAnswer(helper, threadId, `<script>alert(1)</script>\n\nTry **this** 🙂 — 设置`);
    await deliverFanOuts();
    await sendPendingEmails();
    const email = await mail.next(`${asker.username}@example.test`);
    const [text, html] = email.split("Content-Type: text/html");
    expect(email).not.toContain("<script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(text).toContain("<img src=x onerror=alert(1)> “Ünïcödé” 设置 🙂 & more");
    expect(text).toContain("Try this 🙂 — 设置");
    expect(html).toContain("Try <strong>this</strong> 🙂 — 设置");
    expect(email).not.toContain("\u0000");
    expect(email).not.toContain("\ufffd");
  });

  it("gives back what a stopping sender claimed and did not try, for the next sender to send at once", async () => {
    const mail = mailReader();
    const [asker, helper] = [await makeUser("customer"), await makeUser("member")];
    const { threadId } = await makeThread(asker, { title: "Hub restarts at midnight" });
    at(5);
    await makeAnswer(helper, threadId, "Turn off the nightly update.");
    await deliverFanOuts();
    const stopping = new AbortController();
    stopping.abort();
    expect(await sendPendingEmails(undefined, 50, stopping.signal)).toEqual({ sent: 0, failed: 0, skipped: 0 });
    const [waiting] = await emailsTo(asker);
    expect([waiting.claimedAt, waiting.attempts, waiting.sentAt]).toEqual([null, 0, null]);
    expect((await sendPendingEmails()).sent).toBe(1);
    expect(await mail.next(`${asker.username}@example.test`)).toContain("Turn off the nightly update.");
  });
});
