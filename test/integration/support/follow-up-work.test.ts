// Working a follow-up: macros, drafts, the private reply default, the customer panel and the timeline's words.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, customerDomainRules, followUpDrafts, followUps, kbArticles, posts, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { firstRow, scriptDb } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { ForbiddenError, ValidationError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { markSolution } from "~/models/community/solutions.server";
import { keepDraft } from "~/models/support/drafts.server";
import { applyMacro, createMacro, deleteMacro, listMacros, updateMacro } from "~/models/support/macros.server";
import { addInternalNote, rateFollowUp, reopenFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { requestFollowUp } from "~/models/support/opening.server";
import { getFollowUpPage } from "~/models/support/queue.server";
import { workOnFollowUp } from "~/models/support/work.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const HOUR = 3600_000;
const START = new Date("2026-11-02T09:00:00Z");
const at = (hours: number) => new Date(START.getTime() + hours * HOUR);

let customer: Member;
const customerEmail = `casey-${Date.now()}@acme-homes.test`;
let staff: Member;
let otherStaff: Member;

beforeAll(async () => {
  customer = await makeUser("customer", { email: customerEmail });
  staff = await makeUser("staff");
  otherStaff = await makeUser("staff");
  const article = {
    sourcePath: "x.md",
    summary: "s",
    categoryName: "Setup",
    categorySlug: "setup",
    updatedOn: "2026-01-01",
    bodyMarkdown: "b",
    bodyHtml: "<p>b</p>",
    contentHash: "h",
    syncedAt: START,
  };
  await scriptDb()
    .insert(kbArticles)
    .values([
      { ...article, slug: "work-test-reset-the-hub", title: "Reset the hub", audience: "public" },
      { ...article, slug: "work-test-staff-only", title: "Escalation playbook", audience: "staff" },
    ])
    .onConflictDoNothing();
});
beforeEach(async () => {
  await resetAllLimits();
  setClock(START);
});
afterEach(() => setClock(null));

async function openFollowUp() {
  const { threadId } = await makeThread(customer);
  const { followUpId } = await requestFollowUp(customer, threadId);
  return { threadId, followUpId };
}

const followUpRow = async (id: number) =>
  firstRow(await scriptDb().select().from(followUps).where(eq(followUps.id, id)))!;
const draftRow = async (followUpId: number, author: Member) =>
  firstRow(
    await scriptDb()
      .select()
      .from(followUpDrafts)
      .where(and(eq(followUpDrafts.followUpId, followUpId), eq(followUpDrafts.authorId, author.id))),
  );

describe("macros", () => {
  it("fills the customer's name, the thread link and a knowledge-base link, and appends to the draft", async () => {
    const { threadId, followUpId } = await openFollowUp();
    const { macroId } = await createMacro(staff, {
      title: "Reset steps",
      body: "Hi {{customer.name}}, see {{ kb:work-test-reset-the-hub }} and keep {{thread.link}} handy.",
    });
    await keepDraft(staff, followUpId, { body: "Thanks for the details.", visibility: "private" });
    const { text } = await applyMacro(staff, followUpId, { macro: String(macroId) });
    const thread = (await getFollowUpPage(staff, followUpId)).thread.thread;
    expect(text).toBe(
      `Hi ${customer.username}, see ${publicUrl()}/kb/work-test-reset-the-hub and keep ${publicUrl()}/questions/${threadId}/${thread.slug} handy.`,
    );
    const page = await getFollowUpPage(staff, followUpId);
    expect(page.draft?.body).toBe(`Thanks for the details.\n\n${text}`);
    expect(page.draft?.visibility).toBe("private");
  });

  it("refuses unknown placeholders when saved and an article the customer may not read when used", async () => {
    const { followUpId } = await openFollowUp();
    const unknown = await createMacro(staff, { title: "Typo", body: "Hi {{customer.nmae}}" }).catch((error) => error);
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown.fieldErrors.body).toContain("Unknown placeholder {{customer.nmae}}");
    const { macroId } = await createMacro(staff, {
      title: "Playbook",
      body: "See {{kb:work-test-staff-only}} and {{kb:work-test-no-such-article}}.",
    });
    const refused = await applyMacro(staff, followUpId, { macro: String(macroId) }).catch((error) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.fieldErrors.macro).toContain('"work-test-staff-only"');
    expect(refused.fieldErrors.macro).toContain('"work-test-no-such-article"');
    // Nothing happened: no draft, no use counted.
    expect(await draftRow(followUpId, staff)).toBeUndefined();
    expect((await listMacros(staff)).find((m) => m.id === macroId)?.useCount).toBe(0);
  });

  it("sets the macro's priority at once and its status only when the reply is sent, and lists macros by use", async () => {
    const { followUpId } = await openFollowUp();
    const { macroId: rare } = await createMacro(staff, { title: "AAA rarely used", body: "Rare." });
    const { macroId: waiting } = await createMacro(staff, {
      title: "Ask for logs",
      body: "Could you send the hub's logs?",
      setStatus: "waiting",
      setPriority: "high",
    });
    setClock(at(1));
    await applyMacro(staff, followUpId, { macro: String(waiting) });
    // Nothing was sent yet: the follow-up does not wait on the customer, the draft will.
    expect(await followUpRow(followUpId)).toMatchObject({ status: "new", priority: "high", pausedAt: null });
    const page = await getFollowUpPage(staff, followUpId);
    expect(page.draft).toMatchObject({ body: "Could you send the hub's logs?", then: "waiting" });
    const events = page.events.map((event) => event.text);
    expect(events).toEqual(expect.arrayContaining([expect.stringContaining("priority (normal → high)")]));
    // Sent as the draft stands (the reply box posts its "Then"): now it waits, from the moment it was sent.
    setClock(at(2));
    await replyOnFollowUp(staff, followUpId, { body: page.draft!.body, visibility: "private", then: page.draft!.then });
    expect(await followUpRow(followUpId)).toMatchObject({ status: "waiting", pausedAt: at(2) });
    const listed = await listMacros(staff);
    const used = listed.find((m) => m.id === waiting)!;
    expect(used).toMatchObject({ useCount: 1, lastUsedAt: at(1) });
    expect(listed.findIndex((m) => m.id === waiting)).toBeLessThan(listed.findIndex((m) => m.id === rare));
  });

  it("lets staff write, change and delete macros with an audit entry, and keeps customers out", async () => {
    const { followUpId } = await openFollowUp();
    const { macroId } = await createMacro(staff, { title: "Greeting", body: "Hello!" });
    await updateMacro(otherStaff, macroId, { title: "Greeting", body: "Hello there!", setPriority: "low" });
    await deleteMacro(staff, macroId);
    const actions = (
      await scriptDb().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.subjectId, macroId))
    ).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(["macro.create", "macro.update", "macro.delete"]));
    await expect(listMacros(customer)).rejects.toThrow(ForbiddenError);
    await expect(createMacro(customer, { title: "Mine", body: "Hi" })).rejects.toThrow(ForbiddenError);
    const { macroId: other } = await createMacro(staff, { title: "Other", body: "Hi" });
    await expect(applyMacro(customer, followUpId, { macro: String(other) })).rejects.toThrow(ForbiddenError);
    // A macro's text is refused as a reply would be, when saved rather than when sent.
    const nested = await createMacro(staff, { title: "Deep", body: "> ".repeat(5000) + "x" }).catch((error) => error);
    expect(nested.fieldErrors.body).toContain("Nested more than 20 levels deep");
    const bad = await createMacro(staff, { title: "", body: "x", setStatus: "closed" }).catch((error) => error);
    expect(bad.fieldErrors).toMatchObject({
      title: "Give the macro a title.",
      setStatus: "Choose what the reply does, or leave it unchanged.",
    });
  });
});

describe("drafts", () => {
  it("keeps each staff member's draft through other actions, even failing ones, until it is sent", async () => {
    const { followUpId } = await openFollowUp();
    const form = (intent: string, extra: Record<string, string> = {}) => ({
      intent,
      body: "Half-written answer",
      visibility: "thread",
      ...extra,
    });
    await keepDraft(staff, followUpId, form("take"));
    await workOnFollowUp(staff, followUpId, { intent: "take" });
    await keepDraft(staff, followUpId, form("priority", { priority: "sky-high" }));
    await expect(workOnFollowUp(staff, followUpId, { intent: "priority", priority: "sky-high" })).rejects.toThrow(
      ValidationError,
    );
    await keepDraft(staff, followUpId, form("note", { note: "Checked the logs." }));
    await addInternalNote(staff, followUpId, { note: "Checked the logs." });
    await keepDraft(otherStaff, followUpId, { intent: "note", body: "Someone else's words", visibility: "private" });
    expect((await getFollowUpPage(staff, followUpId)).draft).toMatchObject({
      body: "Half-written answer",
      visibility: "thread",
    });
    expect((await getFollowUpPage(otherStaff, followUpId)).draft?.body).toBe("Someone else's words");
    // A form without the reply box leaves the draft alone; the customer keeps none.
    await keepDraft(staff, followUpId, { intent: "take" });
    await keepDraft(customer, followUpId, { intent: "reply", body: "My own words" });
    expect((await draftRow(followUpId, staff))?.bodyMarkdown).toBe("Half-written answer");
    expect(await draftRow(followUpId, customer)).toBeUndefined();
    expect((await getFollowUpPage(customer, followUpId)).draft).toBeNull();

    await replyOnFollowUp(staff, followUpId, { body: "Half-written answer", visibility: "thread" });
    expect(await draftRow(followUpId, staff)).toBeUndefined();
    expect((await draftRow(followUpId, otherStaff))?.bodyMarkdown).toBe("Someone else's words");
  });
});

describe("replying", () => {
  it("sends a private reply that keeps the follow-up open by default, and waits only when asked", async () => {
    const { followUpId } = await openFollowUp();
    await workOnFollowUp(staff, followUpId, { intent: "take" });
    setClock(at(1));
    await replyOnFollowUp(staff, followUpId, { body: "Looking into it now." });
    const afterDefault = await followUpRow(followUpId);
    expect(afterDefault).toMatchObject({ status: "open", pausedAt: null, firstRespondedAt: at(1) });
    const page = await getFollowUpPage(customer, followUpId);
    expect(page.messages.map((message) => message.bodyHtml.trim())).toEqual(["<p>Looking into it now.</p>"]);
    expect(page.thread.answers).toHaveLength(0);

    setClock(at(2));
    await replyOnFollowUp(staff, followUpId, { body: "Which firmware?", then: "waiting" });
    expect(await followUpRow(followUpId)).toMatchObject({ status: "waiting", pausedAt: at(2) });
  });
});

describe("the customer panel", () => {
  it("shows staff the email, local time, domain and earlier ratings; the customer gets none of it", async () => {
    const earlier = await openFollowUp();
    await replyOnFollowUp(staff, earlier.followUpId, { body: "Fixed it.", then: "resolved" });
    await rateFollowUp(customer, earlier.followUpId, { rating: "4", comment: "Quick." });
    const { followUpId } = await openFollowUp();
    let panel = (await getFollowUpPage(staff, followUpId)).customerPanel!;
    expect(panel).toMatchObject({
      email: customerEmail,
      timeZone: null,
      localTime: null,
      domain: "acme-homes.test",
      knownCustomerDomain: false,
    });
    expect(panel.satisfaction.count).toBeGreaterThanOrEqual(1);
    expect(panel.satisfaction.recent[0]).toMatchObject({
      followUpId: earlier.followUpId,
      rating: 4,
      comment: "Quick.",
    });

    await scriptDb().update(users).set({ timeZone: "Asia/Tokyo" }).where(eq(users.id, customer.id));
    await scriptDb()
      .insert(customerDomainRules)
      .values({ domain: "acme-homes.test", createdById: staff.id, createdAt: START });
    panel = (await getFollowUpPage(staff, followUpId)).customerPanel!;
    // 09:00 UTC on a Monday is 18:00 in Tokyo.
    expect(panel).toMatchObject({ timeZone: "Asia/Tokyo", localTime: "Mon 18:00", knownCustomerDomain: true });

    const own = await getFollowUpPage(customer, followUpId);
    expect(own.customerPanel).toBeNull();
    expect(JSON.stringify(own)).not.toContain(customerEmail);
  });
});

describe("held posts", () => {
  it("gives staff the moderation state of the thread's posts", async () => {
    const { threadId, followUpId } = await openFollowUp();
    const { postId } = await makeAnswer(await makeUser("member"), threadId, "Try turning it off and on.");
    await scriptDb().update(posts).set({ moderationState: "held" }).where(eq(posts.id, postId));
    const page = await getFollowUpPage(staff, followUpId);
    expect(page.thread.answers.find((answer) => answer.id === postId)?.moderationState).toBe("held");
    expect((await getFollowUpPage(customer, followUpId)).thread.answers.map((answer) => answer.id)).not.toContain(
      postId,
    );
  });
});

describe("the timeline", () => {
  it("reads in the customer's words for the customer and precisely for staff", async () => {
    const { threadId, followUpId } = await openFollowUp();
    setClock(at(1));
    await workOnFollowUp(staff, followUpId, { intent: "take" });
    await replyOnFollowUp(staff, followUpId, { body: "Which firmware?", then: "waiting" });
    setClock(at(2));
    await replyOnFollowUp(customer, followUpId, { body: "4.2.0" });
    const { postId } = await makeAnswer(await makeUser("member"), threadId, "Update to 4.2.1.");
    setClock(at(3));
    await markSolution(customer, postId, "accepted");
    setClock(at(4));
    await reopenFollowUp(customer, followUpId);

    const forCustomer = (await getFollowUpPage(customer, followUpId)).events.map((event) => event.text);
    expect(forCustomer).toEqual(
      expect.arrayContaining([
        "You asked our support team for help",
        "We started looking at your question",
        "Support is waiting for your reply",
        "You replied: it is back with our support team",
        "You said it is still not solved",
      ]),
    );
    expect(forCustomer.some((text) => text.startsWith("Resolved"))).toBe(true);
    expect(forCustomer.join(" ")).not.toMatch(/→|opened \(|status|first response/);
    const forStaff = (await getFollowUpPage(staff, followUpId)).events.map((event) => event.text);
    expect(forStaff).toEqual(
      expect.arrayContaining([`${customer.username}: opened (customer)`, `${staff.username}: status (new → open)`]),
    );
  });
});
