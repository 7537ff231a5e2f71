// Working a follow-up over real HTTP with plain form posts (no JavaScript): drafts, macros, the
// customer panel, held marks, the customer's words, the time-zone setting and staff rate limits.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { followUps, posts, rateLimitBuckets, supportMacros, users } from "../../../db/schema";
import { firstRow, scriptDb } from "~/lib/db.server";
import { LIMITS } from "~/lib/rate-limit.server";
import { openDueFollowUps } from "~/models/support/opening.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({
  staff: "staff@example.com",
  noor: "noor@example.com",
  casey: "customer@example.com",
});
beforeAll(() => openDueFollowUps(new Date()));

const NOOR_EMAIL = "noor@example.com";

const userId = async (username: string) =>
  firstRow(await scriptDb().select({ id: users.id }).from(users).where(eq(users.username, username)))!.id;

/** An open follow-up of noor's that the tests below work on. */
async function noorsFollowUp() {
  const row = firstRow(
    await scriptDb()
      .select()
      .from(followUps)
      .where(eq(followUps.customerId, await userId("noor")))
      .limit(1),
  )!;
  if (row.status === "resolved")
    await scriptDb().update(followUps).set({ status: "open", resolvedAt: null }).where(eq(followUps.id, row.id));
  return row;
}

const page = async (id: number, cookie: string) => (await client.get(`/support/${id}`, { cookie })).text();
/** The reply box's text as the page renders it (React escapes it as HTML text). */
const replyBox = (html: string) =>
  /<textarea[^>]*id="reply-body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1].replace(/&#x27;/g, "'") ?? null;

describe("the reply draft, without JavaScript", () => {
  it("survives adding a note and a failing action, and goes once the reply is sent", async () => {
    const { id } = await noorsFollowUp();
    const note = await client.post(
      `/support/${id}`,
      { intent: "note", note: "Checked the router logs.", body: "Half-written: try channel 6", visibility: "private" },
      { cookie: cookies.staff },
    );
    expect(note.status).toBe(303);
    expect(replyBox(await page(id, cookies.staff))).toBe("Half-written: try channel 6");

    const failing = await client.post(
      `/support/${id}`,
      { intent: "priority", priority: "sky-high", body: "Half-written: try channel 6 or 11", visibility: "private" },
      { cookie: cookies.staff },
    );
    expect(failing.status).toBe(400);
    expect(replyBox(await page(id, cookies.staff))).toBe("Half-written: try channel 6 or 11");

    const sent = await client.post(
      `/support/${id}`,
      { intent: "reply", body: "Try channel 6 or 11.", visibility: "private", then: "open" },
      { cookie: cookies.staff },
    );
    expect(sent.status).toBe(303);
    expect(replyBox(await page(id, cookies.staff))).toBe("");
  });
});

describe("a resolved follow-up's page", () => {
  it("says Resolved once beside its title, for staff", async () => {
    const { id } = await noorsFollowUp();
    const sent = await client.post(
      `/support/${id}`,
      { intent: "reply", body: "That should settle it.", visibility: "private", then: "resolved" },
      { cookie: cookies.staff },
    );
    expect(sent.status).toBe(303);
    const meta = /<div class="thread-meta">([\s\S]*?)<\/div>/.exec(await page(id, cookies.staff))?.[1] ?? "";
    expect(meta.match(/Resolved/g)).toEqual(["Resolved"]);
  });
});

describe("macros, without JavaScript", () => {
  it("lets staff write one and insert it filled, with its coach hints, and refuses customers", async () => {
    const { id } = await noorsFollowUp();
    const created = await client.post(
      "/support/macros",
      {
        intent: "create",
        title: "Policy reply",
        body: "Hi {{customer.name}}, it's our policy to reset first: {{thread.link}}",
        setPriority: "high",
      },
      { cookie: cookies.staff },
    );
    expect(created.status).toBe(303);
    const macro = firstRow(
      await scriptDb().select().from(supportMacros).where(eq(supportMacros.title, "Policy reply")),
    )!;
    expect(await (await client.get("/support/macros", { cookie: cookies.staff })).text()).toContain("Policy reply");
    expect((await client.get("/support/macros", { cookie: cookies.noor })).status).toBe(403);
    // A customer is refused before their input is read: 403 whatever the id says.
    for (const id of ["1", "not-a-number"])
      for (const intent of ["update", "delete"])
        expect((await client.post("/support/macros", { intent, id }, { cookie: cookies.noor })).status).toBe(403);
    expect(
      (await client.post(`/support/${id}`, { intent: "macro", macro: String(macro.id) }, { cookie: cookies.noor }))
        .status,
    ).toBe(403);

    const inserted = await client.post(
      `/support/${id}`,
      { intent: "macro", macro: String(macro.id), body: "Thanks!", visibility: "private" },
      { cookie: cookies.staff },
    );
    expect(inserted.status).toBe(303);
    expect(inserted.headers.get("location")).toBe(`/support/${id}#reply-body`);
    const html = await page(id, cookies.staff);
    expect(replyBox(html)).toMatch(
      /^Thanks!\n\nHi noor, it's our policy to reset first: http:\/\/\S+\/questions\/\d+\//,
    );
    // The reply coach checks the filled text.
    expect(html).toContain("Try instead:");
    expect(firstRow(await scriptDb().select().from(followUps).where(eq(followUps.id, id)))!.priority).toBe("high");
    expect(
      firstRow(await scriptDb().select().from(supportMacros).where(eq(supportMacros.id, macro.id)))!.useCount,
    ).toBe(1);
  });

  it("names the missing article and an unknown placeholder to staff, and keeps the draft", async () => {
    const { id } = await noorsFollowUp();
    const unknown = await client.post(
      "/support/macros",
      { intent: "create", title: "Broken", body: "Hi {{customer.first_name}}" },
      { cookie: cookies.staff },
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("Unknown placeholder {{customer.first_name}}");
    await client.post(
      "/support/macros",
      { intent: "create", title: "Missing article", body: "See {{kb:no-such-article}}" },
      { cookie: cookies.staff },
    );
    const macro = firstRow(
      await scriptDb().select().from(supportMacros).where(eq(supportMacros.title, "Missing article")),
    )!;
    const refused = await client.post(
      `/support/${id}`,
      { intent: "macro", macro: String(macro.id), body: "My own words", visibility: "private" },
      { cookie: cookies.staff },
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("No knowledge-base article &quot;no-such-article&quot;");
    expect(replyBox(await page(id, cookies.staff))).toBe("My own words");
  });
});

describe("the customer panel and the customer's words", () => {
  it("shows staff the customer's email and local time; the customer's own page has neither", async () => {
    const { id } = await noorsFollowUp();
    expect(await page(id, cookies.staff)).toContain("time zone not set");
    const saved = await client.post(
      "/settings/notifications",
      { intent: "time-zone", timeZone: "Europe/Paris" },
      { cookie: cookies.noor },
    );
    expect(saved.status).toBe(303);
    const bad = await client.post(
      "/settings/notifications",
      { intent: "time-zone", timeZone: "Mars/Olympus_Mons" },
      { cookie: cookies.noor },
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Choose a time zone from the list.");
    const staffHtml = await page(id, cookies.staff);
    expect(staffHtml).toContain(NOOR_EMAIL);
    expect(staffHtml).toContain("(Europe/Paris)");
    const own = await page(id, cookies.noor);
    expect(own).not.toContain(NOOR_EMAIL);
    // No customer panel (her own zone may only serve to show her due times in her time).
    expect(own).not.toContain("(Europe/Paris)");
    expect(own).not.toContain("customer-facts");
    // The timeline in the customer's words: no staff jargon.
    expect(own).not.toMatch(/opened \(target\)|status \(|\b(new|open|waiting) → (open|waiting|resolved)\b/);
    expect(own).toContain("We started looking at your question");
  });

  it("lists the customer's statuses in their words", async () => {
    const { id } = await noorsFollowUp();
    await scriptDb().update(followUps).set({ status: "waiting" }).where(eq(followUps.id, id));
    const mine = await (await client.get("/my/support", { cookie: cookies.noor })).text();
    expect(mine).toContain("Support is waiting for your reply");
    expect(mine).not.toContain("Waiting on customer");
    expect(await page(id, cookies.staff)).toContain("Waiting on customer");
    await scriptDb().update(followUps).set({ status: "open" }).where(eq(followUps.id, id));
  });

  it("marks held posts for staff on the follow-up page", async () => {
    const { id, threadId } = await noorsFollowUp();
    const answer = firstRow(
      await scriptDb()
        .insert(posts)
        .values({
          threadId,
          authorId: await userId("casey"),
          kind: "answer",
          bodyMarkdown: "A held answer",
          bodyHtml: "<p>A held answer</p>",
          createdAt: new Date(),
          moderationState: "held",
        })
        .returning({ id: posts.id }),
    )!;
    expect(await page(id, cookies.staff)).toContain("Held for review — the customer does not see this yet");
    expect(await page(id, cookies.noor)).not.toContain("A held answer");
    await scriptDb().delete(posts).where(eq(posts.id, answer.id));
  });
});

describe("staff rate limits", () => {
  it("never refuses a busy agent's 100 replies in an hour, and stops a runaway script with Retry-After", async () => {
    const { id } = await noorsFollowUp();
    const statuses: number[] = [];
    for (let n = 0; n < 100; n += 1) {
      const reply = await client.post(
        `/support/${id}`,
        { intent: "reply", body: `Reply number ${n}.`, visibility: n % 2 ? "private" : "thread", then: "open" },
        { cookie: cookies.staff },
      );
      statuses.push(reply.status);
    }
    expect(statuses.filter((status) => status !== 303)).toEqual([]);
    // A script that already sent the staff limit's worth this hour is refused.
    await scriptDb()
      .update(rateLimitBuckets)
      .set({ count: LIMITS.staffReply.max })
      .where(eq(rateLimitBuckets.key, `staff-reply:user:${await userId("sam-support")}`));
    const refused = await client.post(
      `/support/${id}`,
      { intent: "reply", body: "One too many.", visibility: "thread", then: "open" },
      { cookie: cookies.staff },
    );
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  }, 60_000);
});
