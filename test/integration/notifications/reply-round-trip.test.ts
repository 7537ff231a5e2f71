// The loop closed over real SMTP both ways: an answer reaches the asker's mailbox with the answer's
// text and a Reply-To of their own; their reply, quoting the email as mail programs do, comes back
// through Hearth's listener and stands in the thread with only what they wrote.
import nodemailer, { type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { deliverFanOuts } from "~/models/notifications/fan-out.server";
import { sendPendingEmails } from "~/models/notifications/outbox.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { replyOnFollowUp } from "~/models/support/messages.server";
import { getFollowUpPage } from "~/models/support/queue.server";
import { startInboundSmtp, type InboundSmtp } from "~/server/inbound-smtp.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { startSmtpSink } from "../../fixtures/smtp-sink";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let listener: InboundSmtp;
let toHearth: Transporter;
let asker: Member;
let helper: Member;
let staff: Member;
const addressOf = (member: Member) => `${member.username}@example.test`;

beforeAll(async () => {
  sink = await startSmtpSink();
  process.env.SMTP_URL = sink.url; // before anything is sent: the transport is made once
  listener = await startInboundSmtp({ port: 0, host: "127.0.0.1" });
  toHearth = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, secure: false, ignoreTLS: true });
  [asker, helper, staff] = [await makeUser("customer"), await makeUser("member"), await makeUser("staff")];
});
afterAll(async () => {
  toHearth.close();
  await listener.close();
  await sink.close();
  delete process.env.SMTP_URL;
});

/** Replies as a mail program does: the new text on top, the email quoted below with "> ". */
async function replyToEmail(from: Member, email: Awaited<ReturnType<typeof sink.next>>, text: string) {
  const quoted = (email.mail.text ?? "")
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  await toHearth.sendMail({
    from: addressOf(from),
    to: email.mail.replyTo!.value[0].address!,
    subject: `Re: ${email.mail.subject}`,
    inReplyTo: email.mail.messageId,
    text: `${text}\n\nOn Monday, ${SITE} wrote:\n${quoted}\n`,
  });
}
const SITE = "Nimbus Community <support@nimbus.example>";

describe("replying to a notification email", () => {
  it("puts the asker's reply to an answer's email in the thread, without the quoted email", async () => {
    await resetAllLimits();
    const { threadId } = await makeThread(asker, { title: "Thermostat shows the wrong room" });
    await makeAnswer(helper, threadId, "Rename the room in **Settings → Rooms**.");
    await deliverFanOuts();
    await sendPendingEmails();
    const email = await sink.next(addressOf(asker));
    expect(email.mail.text).toContain("Rename the room in Settings → Rooms.");
    expect(email.mail.html).toContain("<strong>Settings → Rooms</strong>");
    expect(email.mail.replyTo!.value[0].address).toMatch(/^reply\+t[0-9a-z]+-[0-9a-z]+-[a-z2-7]+@nimbus\.example$/);
    expect(email.raw).toMatch(/^List-Unsubscribe:\s+<http/m);

    await replyToEmail(asker, email, "That was it, thank you! It shows the kitchen now.");
    const page = await getThreadPage(asker, threadId);
    const bodies = page.answers.map((answer) => answer.bodyHtml);
    expect(bodies.at(-1)).toContain("That was it, thank you! It shows the kitchen now.");
    expect(bodies.at(-1)).not.toContain("Rename the room");
    expect(bodies.at(-1)).not.toContain("wrote:");

    // The helper watches the thread they answered: the reply reaches them by email in turn.
    await deliverFanOuts();
    await sendPendingEmails();
    expect((await sink.next(addressOf(helper))).mail.text).toContain("It shows the kitchen now.");
  });

  it("sends a reply to a follow-up email to support privately, never into the thread", async () => {
    await resetAllLimits();
    const { threadId } = await makeThread(asker, { title: "Smart plug lost its schedule" });
    const { followUpId } = await requestFollowUp(asker, threadId);
    await replyOnFollowUp(staff, followUpId, {
      body: "Which firmware is it on?",
      visibility: "private",
      then: "waiting",
    });
    await sendPendingEmails();
    const email = await sink.next(addressOf(asker));
    expect(email.mail.text).toContain("Which firmware is it on?");
    expect(email.mail.replyTo!.value[0].address).toMatch(/^reply\+f/);

    await replyToEmail(asker, email, "Firmware 3.1.4, serial number NP-88213.");
    const followUp = await getFollowUpPage(asker, followUpId);
    expect(JSON.stringify(followUp)).toContain("NP-88213");
    const page = await getThreadPage(helper, threadId);
    expect(JSON.stringify(page)).not.toContain("NP-88213");
  });
});
