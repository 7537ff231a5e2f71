// Email confirmation over real HTTP: a role that comes with an email domain waits for a confirmed
// address, proven by following a single-use link sent to it.
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { accountTokens, auditLog, users } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { app, client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { makeUser } from "../../fixtures/factories";
import { sessionCookieOf } from "../../fixtures/http-client";
import { mailReader } from "../../fixtures/mail";

const NOT_YOUR_ACCOUNT = "If you did not create an account on Nimbus Community with this address, ignore this email.";
const CUSTOMER_ONLY = { path: "/kb/pair-a-z-wave-lock", bodyText: "DSK PIN", teaser: "This article is for customers" };
const PASSWORD = "a long walk home at dusk";
serveBuiltApp({ admin: "admin@example.com" });
beforeEach(() => resetAllLimits());

const html = async (response: Response) =>
  (await response.text()).replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&amp;", "&");
const roleOf = async (email: string) =>
  firstRow(
    await scriptDb()
      .select({ role: users.role, confirmedAt: users.emailConfirmedAt })
      .from(users)
      .where(eq(users.email, email)),
  )!;

const mail = mailReader();

/** The confirmation link in the next email to `address`. */
async function nextConfirmationLink(address: string) {
  const message = await mail.next(address);
  expect(message).toContain("Subject: Confirm your email address");
  expect(message).toContain("Content-Type: text/html");
  expect(message).toContain("Content-Type: text/plain");
  // In both the text and the HTML part: the person whose address someone else signed up with.
  expect(message.split(NOT_YOUR_ACCOUNT).length - 1).toBe(2);
  const match = /\/confirm-email\?token=([A-Za-z0-9_-]{43})/.exec(message);
  if (!match) throw new Error(`no confirmation link in the email to ${address}`);
  return { path: match[0], token: match[1] };
}

/** Signs up (which signs nobody in: DECISIONS.md #45), then signs in with the new account's password. */
async function signUp(email: string) {
  const response = await client.post("/signup", {
    email,
    username: `${email.split("@")[0]}-acct`,
    password: PASSWORD,
  });
  expect(response.status, await response.clone().text()).toBe(302);
  expect(sessionCookieOf(response)).toBeNull();
  return (await client.signIn(email, PASSWORD)).cookie!;
}

const confirm = (token: string, cookie?: string) =>
  client.post("/confirm-email", { intent: "confirm", token }, { cookie });

describe("customer roles wait for a confirmed address", () => {
  it("adding a domain upgrades only members whose address there is confirmed; the others when they confirm", async () => {
    const earlyCookie = await signUp("early@acme.test");
    await makeUser("member", { email: "confirmed@acme.test" });
    const response = await client.post(
      "/mod/settings",
      { intent: "add-domain", domain: "acme.test" },
      { cookie: cookies.admin },
    );
    expect(response.status).toBe(200);
    expect(await html(response)).toContain("Added acme.test. 1 member with a confirmed address there became customers");
    expect((await roleOf("confirmed@acme.test")).role).toBe("customer");
    expect(await roleOf("early@acme.test")).toMatchObject({ role: "member", confirmedAt: null });

    const confirmed = await confirm((await nextConfirmationLink("early@acme.test")).token, earlyCookie);
    expect(confirmed.status).toBe(200);
    expect((await roleOf("early@acme.test")).role).toBe("customer");
  });

  it("a sign-up at a customer domain is a member with the teaser until it follows the link in its email", async () => {
    const cookie = await signUp("x@acme.test");
    expect(await roleOf("x@acme.test")).toMatchObject({ role: "member", confirmedAt: null });
    const before = await html(await client.get(CUSTOMER_ONLY.path, { cookie }));
    expect(before).toContain(CUSTOMER_ONLY.teaser);
    expect(before).not.toContain(CUSTOMER_ONLY.bodyText);
    expect(before).toContain("Check your email: we sent a link to x@acme.test");
    const link = await nextConfirmationLink("x@acme.test");

    // Opening the link (as a mail scanner would, signed in or not) changes nothing: the owner gets a button.
    const scanned = await client.get(link.path);
    expect(scanned.status).toBe(200);
    expect(await html(scanned)).toContain(
      "To confirm x@acme.test and sign in, enter the password of the account you created with it",
    );
    const opened = await client.get(link.path, { cookie });
    expect(opened.status).toBe(200);
    const page = await html(opened);
    expect(page).toContain("Is x@acme.test your address?");
    expect(page).toContain("Confirm my address");
    expect(await roleOf("x@acme.test")).toMatchObject({ role: "member", confirmedAt: null });

    const confirmed = await confirm(link.token, cookie);
    expect(confirmed.status).toBe(200);
    expect(await html(confirmed)).toContain("x@acme.test is confirmed. Your account is now a customer account");
    expect((await roleOf("x@acme.test")).role).toBe("customer");
    expect((await roleOf("x@acme.test")).confirmedAt).not.toBeNull();
    const after = await html(await client.get(CUSTOMER_ONLY.path, { cookie }));
    expect(after).toContain(CUSTOMER_ONLY.bodyText);
    expect(after).not.toContain("Check your email");

    const log = await html(await client.get("/mod/log?action=user.domain-customer", { cookie: cookies.admin }));
    expect(log).toContain("Made a customer on confirming an address at a customer domain");
    expect(log).toContain("Hearth (automatic)");

    const again = await confirm(link.token, cookie);
    expect(again.status).toBe(400);
    expect(await html(again)).toContain("This confirmation link has already been used.");
    expect((await client.get(link.path)).status).toBe(400);
  });

  it("refuses an expired link and one replaced by a newer link, and sends at most three new links an hour", async () => {
    const cookie = await signUp("late@acme.test");
    const link = await nextConfirmationLink("late@acme.test");
    // The link was sent 25 hours ago.
    const dayAndAnHourAgo = Date.now() - 25 * 3600_000;
    await scriptDb()
      .update(accountTokens)
      .set({ createdAt: new Date(dayAndAnHourAgo), expiresAt: new Date(dayAndAnHourAgo + 24 * 3600_000) })
      .where(eq(accountTokens.email, "late@acme.test"));
    for (const response of [await client.get(link.path), await confirm(link.token, cookie)]) {
      expect(response.status).toBe(400);
      expect(await html(response)).toContain("This confirmation link has expired");
    }
    expect(await roleOf("late@acme.test")).toMatchObject({ role: "member", confirmedAt: null });

    const resent = await client.post("/confirm-email", { intent: "resend" }, { cookie });
    expect(resent.status).toBe(200);
    expect(await html(resent)).toContain("We sent a new link to late@acme.test");
    const second = await nextConfirmationLink("late@acme.test");
    await client.post("/confirm-email", { intent: "resend" }, { cookie });
    const third = await nextConfirmationLink("late@acme.test");
    const replaced = await confirm(second.token, cookie);
    expect(replaced.status).toBe(400);
    expect(await html(replaced)).toContain("a newer link replaces older ones");

    await client.post("/confirm-email", { intent: "resend" }, { cookie });
    const fourth = await nextConfirmationLink("late@acme.test");
    const tooMany = await client.post("/confirm-email", { intent: "resend" }, { cookie });
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect((await confirm(third.token, cookie)).status).toBe(400);
    expect((await confirm(fourth.token, cookie)).status).toBe(200);
    expect((await roleOf("late@acme.test")).role).toBe("customer");
    expect((await client.post("/confirm-email", { intent: "resend" })).status).toBe(403);
  });

  it("does not confirm an address the account no longer has", async () => {
    const cookie = await signUp("moved@acme.test");
    const link = await nextConfirmationLink("moved@acme.test");
    // As an email change would: the link went to the old address.
    await scriptDb().update(users).set({ email: "moved-on@acme.test" }).where(eq(users.email, "moved@acme.test"));
    const response = await confirm(link.token, cookie);
    expect(response.status).toBe(400);
    expect(await html(response)).toContain("This link was sent to an address your account no longer uses.");
    expect(await roleOf("moved-on@acme.test")).toMatchObject({ role: "member", confirmedAt: null });
    const token = firstRow(
      await scriptDb()
        .select({ usedAt: accountTokens.usedAt })
        .from(accountTokens)
        .where(and(eq(accountTokens.email, "moved@acme.test"))),
    )!;
    expect(token.usedAt).toBeNull();
  });

  it.each([
    ["a word", "garbage"],
    ["nothing", ""],
    ["a well-formed unknown token", "A".repeat(43)],
    ["a character outside base64url", `${"b".repeat(42)}!`],
    ["5,000 characters", "c".repeat(5000)],
  ])("answers a token of %s with a 400 and what to do", async (_, token) => {
    const cookie = (await client.signIn("member@example.com", "hearth-demo-2026")).cookie!;
    for (const response of [
      await client.get(`/confirm-email?token=${encodeURIComponent(token)}`),
      await confirm(token, cookie),
    ]) {
      expect(response.status).toBe(400);
      const page = await html(response);
      expect(page).toContain("This confirmation link is not valid");
      expect(page).toContain("Send a new link");
    }
  });
});

describe("a confirmation link works only for the account it was sent for, signed in", () => {
  const tokenSentTo = async (email: string) =>
    firstRow(
      await scriptDb()
        .select({ usedAt: accountTokens.usedAt })
        .from(accountTokens)
        .where(eq(accountTokens.email, email)),
    )!;

  it("does not let the owner of an address confirm an account someone else made with it", async () => {
    // The attacker signs up with the victim's address at a customer domain; the victim gets the email.
    const attackerCookie = await signUp("victim@acme.test");
    const link = await nextConfirmationLink("victim@acme.test");

    // The victim, not signed in, opens the link: it asks for the account's password (or a sign-in
    // that returns here), and says what to do if it is not theirs.
    const opened = await client.get(link.path);
    expect(opened.status).toBe(200);
    const page = await html(opened);
    expect(page).toContain("enter the password of the account you created with it");
    expect(page).toContain(NOT_YOUR_ACCOUNT);
    const signInHref = /href="(\/login\?redirectTo=[^"]+)"/.exec(page)?.[1];
    expect(signInHref).toBe(`/login?redirectTo=${encodeURIComponent(link.path)}`);
    // ... and pressing the button without the password, or with a wrong one, changes nothing.
    for (const guess of [{}, { password: "a guess at their password" }] as Record<string, string>[]) {
      const asVisitor = await client.post("/confirm-email", { intent: "confirm", token: link.token, ...guess });
      expect(asVisitor.status).toBe(400);
      expect(sessionCookieOf(asVisitor)).toBeNull();
    }
    expect(await roleOf("victim@acme.test")).toMatchObject({ role: "member", confirmedAt: null });

    // The victim signed in to their own account (another address): a 403 that says so, nothing changed.
    const victimCookie = (await client.signIn("member@example.com", "hearth-demo-2026")).cookie!;
    for (const response of [
      await client.get(link.path, { cookie: victimCookie }),
      await confirm(link.token, victimCookie),
    ]) {
      expect(response.status).toBe(403);
      const text = await html(response);
      expect(text).toContain("This confirmation link is for another account, so nothing was changed.");
      expect(text).toContain(NOT_YOUR_ACCOUNT);
    }
    expect(await roleOf("victim@acme.test")).toMatchObject({ role: "member", confirmedAt: null });
    expect((await tokenSentTo("victim@acme.test")).usedAt).toBeNull();

    // Only the account's own session can use it (here the attacker's: they would need the victim's mailbox).
    expect((await confirm(link.token, attackerCookie)).status).toBe(200);
    expect((await roleOf("victim@acme.test")).role).toBe("customer");
  });

  it("signing in from the link's page comes back to the link, with its button", async () => {
    const ownerCookie = await signUp("returning@acme.test");
    const link = await nextConfirmationLink("returning@acme.test");
    await client.post("/logout", {}, { cookie: ownerCookie });
    const page = await html(await client.get(link.path));
    const signInHref = /href="(\/login\?redirectTo=[^"]+)"/.exec(page)![1];
    const redirectTo = new URL(signInHref, app.baseUrl).searchParams.get("redirectTo")!;
    const signedIn = await client.post("/login", { email: "returning@acme.test", password: PASSWORD, redirectTo });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe(link.path);
    const cookie = sessionCookieOf(signedIn)!;
    const ready = await html(await client.get(link.path, { cookie }));
    expect(ready).toContain("Is returning@acme.test your address?");
    expect(ready).toContain('value="confirm"');
    expect((await confirm(link.token, cookie)).status).toBe(200);
    expect(await roleOf("returning@acme.test")).toMatchObject({ role: "customer" });
  });

  it("lets a suspended account confirm its address and get its domain's role (suspension limits writing, not roles)", async () => {
    await signUp("benched@acme.test");
    const link = await nextConfirmationLink("benched@acme.test");
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const suspended = await client.post(
      "/users/benched-acct",
      { intent: "suspend", until, reason: "Cooling off" },
      { cookie: cookies.admin },
    );
    expect(suspended.status).toBe(200);
    // The suspension ended the account's sessions: it signs in again, and may still confirm.
    const cookie = (await client.signIn("benched@acme.test", PASSWORD)).cookie!;
    expect((await confirm(link.token, cookie)).status).toBe(200);
    const user = firstRow(
      await scriptDb()
        .select({ role: users.role, suspendedUntil: users.suspendedUntil, confirmedAt: users.emailConfirmedAt })
        .from(users)
        .where(eq(users.email, "benched@acme.test")),
    )!;
    expect(user.role).toBe("customer");
    expect(user.confirmedAt).not.toBeNull();
    expect(user.suspendedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it("keeps the address out of the audit log, which can never be changed", async () => {
    const cookie = await signUp("private@acme.test");
    const link = await nextConfirmationLink("private@acme.test");
    expect((await confirm(link.token, cookie)).status).toBe(200);
    const entries = await scriptDb().select().from(auditLog).where(eq(auditLog.action, "user.domain-customer"));
    const entry = entries.find((row) => row.subjectLabel === "private-acct");
    expect(entry).toBeDefined();
    expect(JSON.stringify(entries)).not.toContain("@acme.test");
    expect(entry!.reason).toContain("private-acct");
    const log = await html(await client.get("/mod/log?action=user.domain-customer", { cookie: cookies.admin }));
    expect(log).toContain("private-acct");
    expect(log).not.toContain("private@acme.test");
  });
});
