// Replies by email, over real SMTP both ways: nodemailer delivers to Hearth's own listener, and
// Hearth's bounces go out through nodemailer (SMTP_URL) to a sink server started here.
import { and, eq } from "drizzle-orm";
import nodemailer, { type Transporter } from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inboundEmails, posts, privateMessages } from "../../../db/schema";
import { firstRow, scriptDb } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { moderateThread } from "~/models/moderation/threads.server";
import { suspendUser } from "~/models/moderation/users.server";
import { ATTACHMENTS_NOTE, receiveEmail } from "~/models/notifications/inbound.server";
import { replyAddressFor } from "~/models/notifications/reply-address.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { getFollowUpPage } from "~/models/support/queue.server";
import { startInboundSmtp, type InboundSmtp } from "~/server/inbound-smtp.server";
import { holdNewMembers, makeThread, makeUser, stopHoldingNewMembers } from "../../fixtures/factories";
import { startSmtpSink } from "../../fixtures/smtp-sink";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let listener: InboundSmtp;
let hearth: Transporter;
let asker: Member;
let customer: Member;
let staff: Member;
let admin: Member;
const emailOf = (member: Member) => `${member.username}@example.test`;
let counter = 0;
const uniqueId = () => `<test-${Date.now()}-${(counter += 1)}@mail.example.test>`;

beforeAll(async () => {
  sink = await startSmtpSink();
  process.env.SMTP_URL = sink.url; // before anything is sent: the transport is made once
  listener = await startInboundSmtp({ port: 0, host: "127.0.0.1" });
  hearth = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, secure: false, ignoreTLS: true });
  asker = await makeUser("customer");
  customer = await makeUser("customer");
  staff = await makeUser("staff");
  admin = await makeUser("admin");
});
afterAll(async () => {
  hearth.close();
  await listener.close();
  await sink.close();
  delete process.env.SMTP_URL;
});
beforeEach(() => resetAllLimits());

async function answersOf(threadId: number) {
  return scriptDb()
    .select()
    .from(posts)
    .where(and(eq(posts.threadId, threadId), eq(posts.kind, "answer")));
}

async function replyTo(author: Member, threadId: number, message: Partial<Mail.Options> = {}) {
  return hearth.sendMail({
    from: `"Some Name" <${emailOf(author)}>`,
    to: `"Nimbus Community" <${await replyAddressFor(author.id, { kind: "thread", threadId })}>`,
    subject: "Re: New answer to your question",
    messageId: uniqueId(),
    text: "Thanks, that fixed it.\n\nOn Mon, Nov 30, 2026 at 9:12 AM Nimbus Community <support@nimbus.example> wrote:\n> Hello\n",
    ...message,
  });
}

async function expectBounce(to: string, reason: RegExp) {
  const bounce = await sink.next(to);
  expect(bounce.mail.subject).toMatch(/^Not posted: /);
  expect(bounce.mail.text).toMatch(reason);
  expect(bounce.mail.headers.get("auto-submitted")).toBe("auto-replied");
  return bounce;
}

describe("replying by email over SMTP", () => {
  it("posts a reply delivered to Hearth's listener as an answer in the thread, without the quote", async () => {
    const { threadId } = await makeThread(asker);
    const sent = await replyTo(asker, threadId);
    expect(sent.response).toMatch(/^250 /);

    const page = await getThreadPage(asker, threadId);
    expect(page.answers.map((answer) => answer.bodyHtml)).toEqual(["<p>Thanks, that fixed it.</p>\n"]);
    const record = firstRow(
      await scriptDb().select().from(inboundEmails).where(eq(inboundEmails.messageId, sent.messageId)),
    )!;
    expect(record).toMatchObject({ outcome: "posted", userId: asker.id, resultId: page.answers[0].id });
  });

  it("posts once when the same message arrives twice, even at the same time", async () => {
    const { threadId } = await makeThread(asker);
    const messageId = uniqueId();
    await replyTo(asker, threadId, { messageId, text: "Once" });
    await replyTo(asker, threadId, { messageId, text: "Once" });
    const again = uniqueId();
    await Promise.all([
      replyTo(asker, threadId, { messageId: again, text: "Twice" }),
      replyTo(asker, threadId, { messageId: again, text: "Twice" }),
    ]);
    expect((await answersOf(threadId)).map((answer) => answer.bodyMarkdown)).toEqual(["Once", "Twice"]);
  });

  it("drops attachments and says so under the reply, and reads an HTML-only reply as text", async () => {
    const { threadId } = await makeThread(asker);
    await replyTo(asker, threadId, {
      text: "Here is a photo of the ring.",
      attachments: [{ filename: "ring.jpg", content: Buffer.alloc(2000, 7), contentType: "image/jpeg" }],
    });
    await replyTo(asker, threadId, {
      text: undefined,
      html: "<p>It is <b>solid blue</b> now.</p><blockquote>Hello casey</blockquote>",
    });
    expect((await answersOf(threadId)).map((answer) => answer.bodyMarkdown)).toEqual([
      `Here is a photo of the ring.\n\n${ATTACHMENTS_NOTE}`,
      "It is solid blue now.",
    ]);
  });

  it("refuses a reply to a locked thread with a bounce that says why, and posts nothing", async () => {
    const { threadId } = await makeThread(asker);
    await moderateThread(staff, threadId, { action: "lock" });
    await replyTo(asker, threadId, { text: "One more thing: the LED is amber." });
    const bounce = await expectBounce(emailOf(asker), /This question is locked: it takes no new answers\./);
    expect(bounce.mail.text).toContain("> One more thing: the LED is amber.");
    expect(await answersOf(threadId)).toEqual([]);
  });

  it("refuses a reply from a suspended account", async () => {
    const member = await makeUser("customer");
    const { threadId } = await makeThread(asker);
    const address = await replyAddressFor(member.id, { kind: "thread", threadId });
    const until = new Date(Date.now() + 30 * 24 * 3600_000).toISOString().slice(0, 10);
    await suspendUser(admin, member.username, { until, reason: "Spam" });
    await hearth.sendMail({
      from: emailOf(member),
      to: address,
      subject: "Re: x",
      text: "Buy now",
      messageId: uniqueId(),
    });
    await expectBounce(emailOf(member), new RegExp(`Your account is suspended until ${until}, so it cannot post\\.`));
    expect(await answersOf(threadId)).toEqual([]);
  });

  it("refuses a reply sent from another address than the account's, and tells the account, not the sender", async () => {
    const { threadId } = await makeThread(asker);
    await replyTo(asker, threadId, { from: "friend@elsewhere.test", text: "Cheap watches at spam.example" });
    const notice = await expectBounce(
      emailOf(asker),
      /came from friend@elsewhere\.test, which is not your account's address/,
    );
    expect(JSON.stringify(notice)).not.toContain("Cheap watches");
    expect(sink.pending("friend@elsewhere.test")).toEqual([]);
    expect(await answersOf(threadId)).toEqual([]);
  });

  it("refuses at RCPT an address that is not a signed reply address, so the sender's server bounces", async () => {
    const { threadId } = await makeThread(asker);
    const address = await replyAddressFor(asker.id, { kind: "thread", threadId });
    const tampered = address.replace(
      /-([a-z2-7])([a-z2-7]+@)/,
      (_, first: string, rest: string) => `-${first === "a" ? "b" : "a"}${rest}`,
    );
    await expect(replyTo(asker, threadId, { to: tampered })).rejects.toMatchObject({ responseCode: 550 });
    await expect(replyTo(asker, threadId, { to: "support@nimbus.example" })).rejects.toMatchObject({
      responseCode: 550,
    });
    expect(await answersOf(threadId)).toEqual([]);
  });

  it("refuses a message over the size limit with 552", async () => {
    const { threadId } = await makeThread(asker);
    await expect(replyTo(asker, threadId, { text: "x".repeat(6 * 1024 * 1024) })).rejects.toMatchObject({
      responseCode: 552,
    });
    expect(await answersOf(threadId)).toEqual([]);
  });

  it("posts nothing for an auto-reply and never answers it", async () => {
    const { threadId } = await makeThread(asker);
    const messageId = uniqueId();
    await replyTo(asker, threadId, {
      messageId,
      subject: "Automatic reply: New answer",
      text: "I am out of the office until Monday.",
      headers: { "Auto-Submitted": "auto-replied" },
    });
    await replyTo(asker, threadId, { text: "Away", headers: { Precedence: "bulk" } });
    await replyTo(asker, threadId, { text: "Away", headers: { "X-Autoreply": "yes" } });
    expect(await answersOf(threadId)).toEqual([]);
    const record = firstRow(
      await scriptDb().select().from(inboundEmails).where(eq(inboundEmails.messageId, messageId)),
    );
    expect(record).toMatchObject({ outcome: "refused", detail: "Auto-Submitted: auto-replied" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.pending(emailOf(asker))).toEqual([]);
  });

  it("makes a follow-up reply a private message that only the customer and staff see", async () => {
    const { threadId } = await makeThread(customer);
    const { followUpId } = await requestFollowUp(customer, threadId);
    const fromCustomer = await replyAddressFor(customer.id, { kind: "follow-up", followUpId });
    await hearth.sendMail({
      from: emailOf(customer),
      to: fromCustomer.toUpperCase(), // some servers shout
      subject: "Re: Your support request",
      text: "The serial number is NH-2231.\n\n-- \nCasey",
      messageId: uniqueId(),
    });
    const fromStaff = await replyAddressFor(staff.id, { kind: "follow-up", followUpId });
    await hearth.sendMail({
      from: emailOf(staff),
      to: fromStaff,
      subject: "Re: x",
      text: "Thanks, checking.",
      messageId: uniqueId(),
    });

    for (const reader of [customer, staff]) {
      const page = await getFollowUpPage(reader, followUpId);
      expect(page.messages.map((message) => message.bodyHtml)).toEqual([
        "<p>The serial number is NH-2231.</p>\n",
        "<p>Thanks, checking.</p>\n",
      ]);
    }
    await expect(getFollowUpPage(asker, followUpId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await answersOf(threadId)).toEqual([]);
    expect(
      await scriptDb().select().from(privateMessages).where(eq(privateMessages.followUpId, followUpId)),
    ).toHaveLength(2);
  });

  it("holds a new member's reply for review, as the page does", async () => {
    await holdNewMembers();
    try {
      const newcomer = await makeUser("member");
      const { threadId } = await makeThread(asker);
      await replyTo(newcomer, threadId, { text: "Try a factory reset." });
      const [answer] = await answersOf(threadId);
      expect(answer).toMatchObject({ authorId: newcomer.id, moderationState: "held" });
      expect((await getThreadPage(asker, threadId)).answers).toEqual([]);
    } finally {
      await stopHoldingNewMembers();
    }
  });
});

describe("receiveEmail", () => {
  const raw = (headers: string, body: string) => Buffer.from(`${headers.trim().replace(/\n/g, "\r\n")}\r\n\r\n${body}`);

  it("bounces a tampered token to a sender who is an account, and nobody else", async () => {
    const { threadId } = await makeThread(asker);
    const address = await replyAddressFor(asker.id, { kind: "thread", threadId });
    const tampered = address.replace("-", "-0");
    const message = (from: string) =>
      raw(`From: ${from}\nTo: ${tampered}\nSubject: Re: x\nMessage-ID: ${uniqueId()}`, "Hello there");
    expect(await receiveEmail(message(emailOf(asker)))).toMatchObject({ outcome: "refused", bounced: true });
    await expectBounce(emailOf(asker), /could not tell which question or request your reply was for/);
    expect(await receiveEmail(message("stranger@elsewhere.test"))).toMatchObject({
      outcome: "refused",
      bounced: false,
    });
    expect(await answersOf(threadId)).toEqual([]);
  });

  it("sends at most five bounces an hour to one address", async () => {
    const outcomes = [];
    for (let i = 0; i < 7; i++) {
      const message = raw(
        `From: ${emailOf(customer)}\nTo: reply+nothing@nimbus.example\nMessage-ID: ${uniqueId()}`,
        "Hi",
      );
      outcomes.push(((await receiveEmail(message)) as { bounced: boolean }).bounced);
    }
    expect(outcomes).toEqual([true, true, true, true, true, false, false]);
    for (let i = 0; i < 5; i++) await sink.next(emailOf(customer));
  });

  it("finds the reply address in the envelope or Delivered-To when To names a list", async () => {
    const { threadId } = await makeThread(asker);
    const address = await replyAddressFor(asker.id, { kind: "thread", threadId });
    const headers = `From: ${emailOf(asker)}\nTo: undisclosed-recipients:;\nSubject: Re: x`;
    await receiveEmail(raw(`${headers}\nMessage-ID: ${uniqueId()}`, "By envelope"), { recipients: [address] });
    await receiveEmail(raw(`${headers}\nDelivered-To: ${address}\nMessage-ID: ${uniqueId()}`, "By Delivered-To"));
    expect((await answersOf(threadId)).map((answer) => answer.bodyMarkdown)).toEqual([
      "By envelope",
      "By Delivered-To",
    ]);
  });

  it("takes a message without a Message-ID once, by a hash of its bytes", async () => {
    const { threadId } = await makeThread(asker);
    const address = await replyAddressFor(asker.id, { kind: "thread", threadId });
    const message = raw(`From: ${emailOf(asker)}\nTo: ${address}\nSubject: Re: x`, "No id");
    expect(await receiveEmail(message)).toMatchObject({ outcome: "posted" });
    expect(await receiveEmail(message)).toMatchObject({ outcome: "duplicate" });
  });

  it("survives hostile input: malformed MIME, NUL bytes, odd Unicode, an empty reply", async () => {
    const { threadId } = await makeThread(asker);
    const address = await replyAddressFor(asker.id, { kind: "thread", threadId });
    const headers = (extra = "") => `From: ${emailOf(asker)}\nTo: ${address}\nMessage-ID: ${uniqueId()}\n${extra}`;
    const broken = raw(
      headers('MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="never-closed"'),
      '--never-closed\r\nContent-Type: text/plain; charset="x-unknown"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64@@@\r\n',
    );
    expect((await receiveEmail(broken)).outcome).toMatch(/posted|refused/);
    const nul = raw(headers("Content-Type: text/plain; charset=utf-8"), "Hub\u0000 works \u202Eevil\u202C 👍 é");
    expect(await receiveEmail(nul)).toMatchObject({ outcome: "posted" });
    expect((await answersOf(threadId)).map((answer) => answer.bodyMarkdown)).toContain(
      "Hub works \u202Eevil\u202C 👍 é",
    );
    expect(await receiveEmail(raw(headers(), "> only a quote"))).toMatchObject({
      outcome: "refused",
      reason: expect.stringMatching(/no text of its own/),
    });
    await sink.next(emailOf(asker));
    expect(await receiveEmail(Buffer.from("\u0000\u0001 not an email at all"))).toMatchObject({
      outcome: "unparseable",
    });
  });

  it("refuses a reply over the post's own length limit in the model's words", async () => {
    const { threadId } = await makeThread(asker);
    const address = await replyAddressFor(asker.id, { kind: "thread", threadId });
    const message = raw(`From: ${emailOf(asker)}\nTo: ${address}\nMessage-ID: ${uniqueId()}`, "word ".repeat(10_000));
    expect(await receiveEmail(message)).toMatchObject({
      outcome: "refused",
      reason: "Keep it under 32,000 characters.",
    });
    await expectBounce(emailOf(asker), /Keep it under 32,000 characters\./);
  });
});
