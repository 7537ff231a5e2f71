// Follow-ups over real HTTP, on the demo community, after the follow-up job has run once.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOptOuts, followUps, threads, users } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import { unsubscribeUrl } from "~/models/notifications/email-preferences.server";
import { openDueFollowUps } from "~/models/support/opening.server";
import { app, client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({
  staff: "staff@example.com",
  casey: "customer@example.com",
  noor: "noor@example.com",
  member: "member@example.com",
  admin: "admin@example.com",
});
beforeAll(() => openDueFollowUps(new Date()));

const userId = async (username: string) =>
  firstRow(await scriptDb().select({ id: users.id }).from(users).where(eq(users.username, username)))!.id;
const followUpOf = async (username: string) =>
  firstRow(
    await scriptDb()
      .select()
      .from(followUps)
      .where(eq(followUps.customerId, await userId(username)))
      .limit(1),
  )!;

describe("follow-ups over HTTP", () => {
  it("shows the queue to staff only", async () => {
    expect((await client.get("/support", { cookie: cookies.staff })).status).toBe(200);
    expect((await client.get("/support", { cookie: cookies.casey })).status).toBe(403);
    expect((await client.get("/support")).status).toBe(302); // a visitor is asked to sign in
  });

  it("shows a follow-up to its customer and staff, is a 404 to anyone else, and sends a visitor to sign in", async () => {
    const noors = await followUpOf("noor");
    expect((await client.get(`/support/${noors.id}`, { cookie: cookies.noor })).status).toBe(200);
    expect((await client.get(`/support/${noors.id}`, { cookie: cookies.staff })).status).toBe(200);
    expect((await client.get(`/support/${noors.id}`, { cookie: cookies.casey })).status).toBe(404);
    // A visitor (following an email's link) is sent to sign in, then back.
    const visitor = await client.get(`/support/${noors.id}`);
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/support/${noors.id}`)}`);
    expect((await client.get("/support/999999", { cookie: cookies.staff })).status).toBe(404);
  });

  it("keeps internal notes out of the customer's page, and validates input with a 400", async () => {
    const noors = await followUpOf("noor");
    const note = await client.post(
      `/support/${noors.id}`,
      { intent: "note", note: "Secret: offer a replacement hub." },
      { cookie: cookies.staff },
    );
    expect(note.status).toBe(303);
    expect(await (await client.get(`/support/${noors.id}`, { cookie: cookies.staff })).text()).toContain(
      "Secret: offer a replacement hub.",
    );
    expect(await (await client.get(`/support/${noors.id}`, { cookie: cookies.noor })).text()).not.toContain("Secret");
    expect(
      (await client.post(`/support/${noors.id}`, { intent: "note", note: "Sneaky" }, { cookie: cookies.noor })).status,
    ).toBe(403);
    const empty = await client.post(`/support/${noors.id}`, { intent: "reply", body: "  " }, { cookie: cookies.staff });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Write something first.");
    expect(
      (
        await client.post(
          `/support/${noors.id}`,
          { intent: "priority", priority: "sky-high" },
          { cookie: cookies.staff },
        )
      ).status,
    ).toBe(400);
  });

  it("shows the customer's unread notifications on the bell", async () => {
    const page = await (await client.get("/", { cookie: cookies.noor })).text();
    expect(page).toMatch(/aria-label="Notifications, [1-9]\d* unread"/);
    expect((await client.get("/notifications", { cookie: cookies.noor })).status).toBe(200);
    expect((await client.get("/notifications")).status).toBe(302);
  });

  it("unsubscribes with one click from a mail client, cross-site, by the signed link alone", async () => {
    const link = new URL(await unsubscribeUrl(await userId("noor"), "follow-up-reply"));
    const path = `${link.pathname}${link.search}`;
    expect((await client.get(path)).status).toBe(200);
    expect((await client.get(path.replace(/t=[^&]+/, "t=forged-token-value"))).status).toBe(400);
    // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" from its own origin, with no cookie.
    const response = await fetch(app.baseUrl + path, {
      method: "POST",
      redirect: "manual",
      headers: { origin: "https://mail.example.com", "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(response.status).toBe(200);
    const optOut = firstRow(
      await scriptDb()
        .select()
        .from(emailOptOuts)
        .where(and(eq(emailOptOuts.userId, await userId("noor")), eq(emailOptOuts.kind, "follow-up-reply"))),
    );
    expect(optOut).toBeDefined();
    // The page's own button comes back to the page, which says it is done.
    const button = await client.post(path, {});
    expect(button.status).toBe(303);
    const done = await (await client.get(button.headers.get("location")!)).text();
    expect(done).toContain("Done: no more emails");
    // Other writes from another origin are still refused.
    const crossSite = await fetch(`${app.baseUrl}/notifications`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: "https://mail.example.com", cookie: cookies.noor },
    });
    expect(crossSite.status).toBe(403);
  });

  it("lets admins, and only admins, set how support works in a category, with clear messages for bad input", async () => {
    const form = {
      graceHours: "2",
      clock: "business",
      timeZone: "Europe/London",
      hours0: "closed",
      hours1: "09:00-17:00",
      hours2: "09:00-17:00",
      hours3: "09:00-12:30, 13:30-17:00",
      hours4: "09:00-17:00",
      hours5: "09:00-16:00",
      hours6: "closed",
      holidays: "2026-12-25 Christmas Day\n2026-12-28 Boxing Day (substitute day)",
      remindAfterDays: "3",
      autoResolveAfterDays: "",
      roundRobin: "on",
      urgentFirstResponseHours: "1.5",
      urgentResolutionHours: "8",
      highFirstResponseHours: "4",
      highResolutionHours: "24",
      normalFirstResponseHours: "8",
      normalResolutionHours: "40",
      lowFirstResponseHours: "400",
      lowResolutionHours: "800",
    };
    expect((await client.get("/support/settings", { cookie: cookies.staff })).status).toBe(403);
    expect((await client.post("/support/settings/billing", form, { cookie: cookies.staff })).status).toBe(403);
    const saved = await client.post("/support/settings/billing", form, { cookie: cookies.admin });
    expect(saved.status).toBe(303);
    const page = await (await client.get("/support/settings/billing", { cookie: cookies.admin })).text();
    expect(page).toContain('value="09:00-12:30, 13:30-17:00"');
    expect(page).toContain('value="1.5"');
    expect(page).toContain('value="400"');
    expect(page).toContain("2026-12-28 Boxing Day (substitute day)");
    const overview = await (await client.get("/support/settings", { cookie: cookies.admin })).text();
    expect(overview).toContain("Open hours (Europe/London)");

    const bad = await client.post(
      "/support/settings/billing",
      {
        ...form,
        normalFirstResponseHours: "0",
        lowFirstResponseHours: "lots",
        highFirstResponseHours: "100000",
        urgentResolutionHours: "1",
        hours2: "9 to 5",
        hours4: "17:00-09:00",
        timeZone: "Mars/Olympus_Mons",
        holidays: "Christmas",
      },
      { cookie: cookies.admin },
    );
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain("At least one minute (0.02 hours).");
    expect(text).toContain("Give the first-response target as a number of hours, like 24 or 1.5.");
    expect(text).toContain("At most a year (8,784 hours).");
    expect(text).toContain("Choose a time zone from the list.");
    expect(text).toContain("Line 1: start with a date like 2026-12-25.");
    // What the admin typed is kept.
    expect(text).toContain('value="9 to 5"');
    // Nothing was saved.
    expect(await (await client.get("/support/settings/billing", { cookie: cookies.admin })).text()).toContain(
      'value="1.5"',
    );
    const hoursWrong = await client.post(
      "/support/settings/billing",
      { ...form, hours2: "9 to 5", hours4: "17:00-09:00", urgentResolutionHours: "1" },
      { cookie: cookies.admin },
    );
    expect(hoursWrong.status).toBe(400);
    const hoursText = await hoursWrong.text();
    expect(hoursText).toContain("Write hours as 09:00-17:00");
    expect(hoursText).toContain("17:00-09:00 ends before it starts.");
    expect(hoursText).toContain("The resolution target cannot come before the first response.");
    expect((await client.get("/support/settings/no-such-category", { cookie: cookies.admin })).status).toBe(404);
  });

  it("lets the asker ask for help from the thread and staff escalate; members cannot", async () => {
    const member = await userId("morgan");
    const memberThread = firstRow(
      await scriptDb().select().from(threads).where(eq(threads.authorId, member)).limit(1),
    )!;
    const path = `/questions/${memberThread.id}/${memberThread.slug}`;
    expect((await client.post(path, { intent: "follow-up" }, { cookie: cookies.member })).status).toBe(403);
    const escalated = await client.post(path, { intent: "follow-up" }, { cookie: cookies.staff });
    expect(escalated.status).toBe(303);
    expect(escalated.headers.get("location")).toMatch(/^\/support\/\d+$/);
    const page = await (await client.get(path, { cookie: cookies.staff })).text();
    expect(page).toContain("Support is following this up");
  });
});
