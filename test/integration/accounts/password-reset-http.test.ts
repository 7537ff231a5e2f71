// Forgot password over real HTTP: the same answer for any address, a link in the email that sets a
// new password once and signs the account out everywhere, and limits per address and per client.
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accountTokens } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { client, serveBuiltApp } from "../../fixtures/app-server";
import { makeUser, TEST_PASSWORD } from "../../fixtures/factories";
import { mailReader } from "../../fixtures/mail";

const SENT = "If an account uses that address, we have sent it a link to choose a new password.";
const NEW_PASSWORD = "lanterns along the quay";
beforeAll(() => {
  // Client addresses come from X-Forwarded-For, as behind a reverse proxy.
  process.env.TRUST_PROXY = "loopback";
});
serveBuiltApp();
beforeEach(() => resetAllLimits());

const html = async (response: Response) =>
  (await response.text()).replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&amp;", "&");
const ask = (email: string, client_ = "198.51.100.10") =>
  client.post("/forgot-password", { email }, { headers: { "x-forwarded-for": client_ } });
const reset = (token: string, newPassword: string) => client.post("/reset-password", { token, newPassword });

const mail = mailReader();
/** The reset link in the next email to `address`. */
async function nextResetLink(address: string) {
  const message = await mail.next(address);
  expect(message).toContain("Subject: Reset your password");
  expect(message).toContain("Content-Type: text/html");
  expect(message).toContain("Content-Type: text/plain");
  const match = /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(message);
  if (!match) throw new Error(`no reset link in the email to ${address}`);
  return { path: match[0], token: match[1] };
}

const mailTo = (address: string) => {
  const mailDir = process.env.MAIL_DIR!;
  return (fs.existsSync(mailDir) ? fs.readdirSync(mailDir) : []).filter((name) =>
    fs.readFileSync(path.join(mailDir, name), "utf8").includes(`To: ${address}`),
  );
};

describe("forgot password", () => {
  it("answers the same for an address with an account and one without, and emails only the account", async () => {
    const user = await makeUser("member");
    const known = `${user.username}@example.test`;
    const unknown = `nobody-${user.username}@example.test`;
    const [a, b] = [await ask(known), await ask(unknown)];
    expect([a.status, b.status]).toEqual([200, 200]);
    // The same page but for the nonce (and the address, which is not shown back).
    const normalize = (page: string) => page.replace(/nonce="[^"]*"/g, "").replace(/"nonce":"[^"]*"/g, "");
    const [pageA, pageB] = [normalize(await html(a)), normalize(await html(b))];
    expect(pageA).toContain(SENT);
    expect(pageA).toBe(pageB);
    expect([...a.headers.keys()].sort()).toEqual([...b.headers.keys()].sort());
    await nextResetLink(known);
    expect(mailTo(unknown)).toEqual([]);
  });

  it("sets a new password from the emailed link once, ends every session, and sends the person to sign in", async () => {
    const user = await makeUser("member");
    const email = `${user.username}@example.test`;
    const oldSession = (await client.signIn(email, TEST_PASSWORD)).cookie!;
    expect(oldSession).toBeTruthy();
    await ask(email);
    const link = await nextResetLink(email);
    const stored = JSON.stringify(await scriptDb().select().from(accountTokens));
    expect(stored).not.toContain(link.token);

    // Opening the link changes nothing: it shows the form, with the token in a hidden field.
    const opened = await client.get(link.path);
    expect(opened.status).toBe(200);
    const page = await html(opened);
    expect(page).toContain(`name="token" value="${link.token}"`);
    expect(page).toContain('<label for="newPassword">New password</label>');
    expect((await client.get("/settings/password", { cookie: oldSession })).status).toBe(200);

    const weak = await reset(link.token, "short");
    expect(weak.status).toBe(400);
    expect(await html(weak)).toContain('id="newPassword-error" role="alert">Use at least 8 characters.');

    const done = await reset(link.token, NEW_PASSWORD);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/login?notice=password-reset");
    expect(await html(await client.get("/login?notice=password-reset"))).toContain(
      "Your password has been changed and you were signed out everywhere.",
    );
    // The old session is gone: its cookie signs nobody in.
    const stale = await client.get("/settings/password", { cookie: oldSession });
    expect(stale.status).toBe(302);
    expect(stale.headers.get("location")).toMatch(/^\/login/);
    expect((await client.signIn(email, TEST_PASSWORD)).response.status).toBe(400);
    expect((await client.signIn(email, NEW_PASSWORD)).response.status).toBe(302);

    const again = await reset(link.token, "another quiet evening");
    expect(again.status).toBe(400);
    expect(await html(again)).toContain("This password reset link has already been used.");
    expect((await client.get(link.path)).status).toBe(400);
  });

  it("refuses a tampered link, an expired one, and one replaced by a newer link", async () => {
    const user = await makeUser("member");
    const email = `${user.username}@example.test`;
    await ask(email);
    const first = await nextResetLink(email);
    const tampered = first.token.slice(0, -1) + (first.token.endsWith("A") ? "B" : "A");
    for (const response of [
      await client.get(`/reset-password?token=${tampered}`),
      await reset(tampered, NEW_PASSWORD),
    ]) {
      expect(response.status).toBe(400);
      expect(await html(response)).toContain("This password reset link is not valid");
    }
    await ask(email);
    const second = await nextResetLink(email);
    expect((await reset(first.token, NEW_PASSWORD)).status).toBe(400);
    expect(await html(await client.get(first.path))).toContain("This password reset link has expired");

    // The second link was sent an hour and a minute ago.
    const past = Date.now() - 61 * 60_000;
    await scriptDb()
      .update(accountTokens)
      .set({ createdAt: new Date(past), expiresAt: new Date(past + 3600_000) })
      .where(eq(accountTokens.email, email));
    const expired = await reset(second.token, NEW_PASSWORD);
    expect(expired.status).toBe(400);
    expect(await html(expired)).toContain("This password reset link has expired");
    expect((await client.signIn(email, TEST_PASSWORD)).response.status).toBe(302);
  });

  it("limits requests per address, for addresses with and without an account alike", async () => {
    const user = await makeUser("member");
    for (const email of [`${user.username}@example.test`, `nobody-${user.username}@example.test`]) {
      // From different clients, so only the address's limit counts.
      for (let i = 0; i < 3; i++) expect((await ask(email, `203.0.113.${i + 1}`)).status).toBe(200);
      const refused = await ask(email, "203.0.113.99");
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await html(refused)).toContain("Too many attempts. Try again in");
    }
  });

  it("limits requests per client network, whatever the addresses", async () => {
    for (let i = 0; i < 20; i++) expect((await ask(`probe-${i}@example.test`, "192.0.2.50")).status).toBe(200);
    // Another client is not held back by this one.
    expect((await ask("probe-last@example.test", "192.0.2.51")).status).toBe(200);
    const blocked = await ask("probe-last-2@example.test", "192.0.2.50");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("the sign-in page's notice", () => {
  it("shows only the notices it names, whatever the address asks for", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "%E0%A4", "x".repeat(2000)]) {
      const response = await client.get(`/login?notice=${name}`);
      expect(response.status, name).toBe(200);
      expect(await response.text(), name).not.toContain('role="status"');
    }
  });
});
