// The mail job sends a few emails at once: when one of them cannot even record its outcome (the
// database refuses the write), the others stop after the emails in hand, the rest of the claim is
// given back, and the job reports the error, with nothing sent after it returned.
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { emailOutbox, users } from "../../../db/schema";
import { rawRun, scriptDb } from "~/lib/db.server";
import { SENT_AT_ONCE, sendPendingEmails } from "~/models/notifications/outbox.server";
import { rejectionMessage } from "../../fixtures/errors";
import { makeUser } from "../../fixtures/factories";
import { startSmtpSink } from "../../fixtures/smtp-sink";
import { testEngine } from "../../fixtures/test-databases";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
  process.env.SMTP_URL = sink.url;
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  await sink.close();
});

// Refuses the write that records a failed delivery, as a database blip would.
const REFUSE = {
  sqlite: [
    `CREATE TRIGGER refuse_failure_record BEFORE UPDATE ON email_outbox WHEN NEW.last_error LIKE '%No recipients%'
       BEGIN SELECT RAISE(ABORT, 'database blip'); END`,
  ],
  postgres: [
    `CREATE FUNCTION refuse_failure_record() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.last_error LIKE '%No recipients%' THEN RAISE EXCEPTION 'database blip'; END IF; RETURN NEW; END $$`,
    `CREATE TRIGGER refuse_failure_record BEFORE UPDATE ON email_outbox FOR EACH ROW EXECUTE FUNCTION refuse_failure_record()`,
  ],
};
const ALLOW = {
  sqlite: ["DROP TRIGGER refuse_failure_record"],
  postgres: ["DROP TRIGGER refuse_failure_record ON email_outbox", "DROP FUNCTION refuse_failure_record()"],
};
const runAll = async (statements: string[]) => {
  for (const statement of statements) await rawRun(scriptDb(), sql.raw(statement));
};

it("stops after the emails in hand, gives the rest of the claim back and throws, when an outcome cannot be recorded", async () => {
  const people = await Promise.all(Array.from({ length: 12 }, () => makeUser("member")));
  const at = new Date(Date.now() - 1000);
  const emails = await scriptDb()
    .insert(emailOutbox)
    .values(
      people.map((person) => ({
        userId: person.id,
        kind: "watched" as const,
        toAddress: `${person.username}@example.test`,
        subject: `Hello ${person.username}`,
        text: "There is news for you.",
        sendAfter: at,
        createdAt: at,
      })),
    )
    .returning({ id: emailOutbox.id });
  const ids = emails.map((email) => email.id);
  // An email goes to the address the person has now: the first has none, which the mail library refuses at once.
  await scriptDb().update(users).set({ email: "" }).where(eq(users.id, people[0].id));
  sink.setDelay(300);
  await runAll(REFUSE[testEngine()]);
  try {
    expect(await rejectionMessage(sendPendingEmails(new Date(), 50))).toMatch(/database blip/);
    const deliveredWhenItReturned = sink.received().length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Nothing went out after it returned, and nothing failed because its connection was closed under it.
    expect(sink.received()).toHaveLength(deliveredWhenItReturned);
    const rows = await scriptDb()
      .select()
      .from(emailOutbox)
      .where(inArray(emailOutbox.id, ids))
      .orderBy(emailOutbox.id);
    expect(rows.filter((row) => row.lastError !== null)).toEqual([]);
    // Those in hand beside the broken one were sent; the others are free for the next run.
    const sent = rows.filter((row) => row.sentAt !== null);
    expect(sent).toHaveLength(deliveredWhenItReturned);
    expect(sent.length).toBeLessThanOrEqual(SENT_AT_ONCE - 1);
    const rest = rows.slice(1).filter((row) => row.sentAt === null);
    expect(rest.length).toBeGreaterThanOrEqual(8);
    expect(rest.every((row) => row.claimedAt === null && row.attempts === 0)).toBe(true);
  } finally {
    await runAll(ALLOW[testEngine()]);
    sink.setDelay(0);
  }
  // The next run sends them (the broken one stays claimed until its claim times out).
  const next = await sendPendingEmails(new Date(), 50);
  expect(next.sent).toBeGreaterThanOrEqual(8);
});
