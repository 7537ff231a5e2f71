import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { sessions, threads } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { client, serveBuiltApp } from "../../fixtures/app-server";
import { sessionCookieOf, setCookieLine } from "../../fixtures/http-client";

const DEMO_PASSWORD = "hearth-demo-2026";
beforeAll(() => {
  process.env.TRUST_PROXY = "loopback";
});
serveBuiltApp();

const firstThread = async () => firstRow(await scriptDb().select().from(threads).orderBy(threads.id).limit(1))!;
const threadUrl = (thread: { id: number; slug: string }) => `/questions/${thread.id}/${thread.slug}`;

async function signedIn(email: string) {
  const { cookie } = await client.signIn(email, DEMO_PASSWORD);
  if (!cookie) throw new Error(`could not sign in as ${email}`);
  return cookie;
}

describe("headers on every HTML response", () => {
  it.each(["/", "/questions", "/no-such-page", "/questions/not-a-number"])(
    "%s carries CSP, nosniff and Referrer-Policy",
    async (path) => {
      const response = await client.get(path);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'self'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      const nonce = /'nonce-([^']+)'/.exec(csp)![1];
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const attributes of scripts) {
        if (!/\bsrc=/.test(attributes)) expect(attributes).toContain(`nonce="${nonce}"`);
      }
    },
  );
});

describe("errors", () => {
  it("answers unknown pages and malformed ids with 404, never 500", async () => {
    for (const path of [
      "/no-such-page",
      "/questions/abc",
      "/questions/0",
      "/questions/99999999999",
      "/questions/2147483648",
      "/questions/1e3",
      "/users/nobody-here",
      "/tags/no-such-tag",
      "/posts/x/edit",
    ]) {
      const response = await client.get(path);
      expect(response.status, path).toBe(404);
      const html = await response.text();
      expect(html).toContain("Page not found");
      expect(html).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it("redirects a missing or wrong slug to the canonical URL", async () => {
    const thread = await firstThread();
    for (const path of [`/questions/${thread.id}`, `/questions/${thread.id}/wrong-slug`]) {
      const response = await client.get(path);
      expect(response.status).toBe(301);
      expect(response.headers.get("location")).toBe(threadUrl(thread));
    }
  });

  it("reports health once the database is migrated", async () => {
    const response = await client.get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("takes a post at its longest in three-byte characters, and refuses request bodies over 512 KB with 413 before reading them", async () => {
    const cookie = await signedIn("member@example.com");
    const thread = await firstThread();
    const longest = await client.post(threadUrl(thread), { intent: "answer", body: "中".repeat(32_000) }, { cookie });
    expect(longest.status).toBe(303);
    thread.answerCount += 1;
    const response = await client.post(
      threadUrl(thread),
      { intent: "answer", body: "x".repeat(600 * 1024) },
      { cookie },
    );
    expect(response.status).toBe(413);
    expect(firstRow(await scriptDb().select().from(threads).where(eq(threads.id, thread.id)))!.answerCount).toBe(
      thread.answerCount,
    );
  });

  it("answers an unknown form intent with 400", async () => {
    const cookie = await signedIn("member@example.com");
    const response = await client.post(threadUrl(await firstThread()), { intent: "explode" }, { cookie });
    expect(response.status).toBe(400);
  });
});

describe("cross-site request forgery", () => {
  it("refuses a write from a foreign origin and changes nothing", async () => {
    const cookie = await signedIn("member@example.com");
    const thread = await firstThread();
    const forgedHeaders: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of forgedHeaders) {
      const response = await client.post(
        threadUrl(thread),
        { intent: "answer", body: "forged answer" },
        { cookie, headers },
      );
      expect(response.status).toBe(403);
    }
    expect(firstRow(await scriptDb().select().from(threads).where(eq(threads.id, thread.id)))!.answerCount).toBe(
      thread.answerCount,
    );
  });

  it("refuses a cross-site sign-in attempt without setting a session", async () => {
    const response = await client.post(
      "/login",
      { email: "member@example.com", password: DEMO_PASSWORD },
      { headers: { origin: "https://evil.example" } },
    );
    expect(response.status).toBe(403);
    expect(sessionCookieOf(response)).toBeNull();
  });

  it("does not sign out on GET", async () => {
    const cookie = await signedIn("member@example.com");
    await client.get("/logout", { cookie });
    const home = await (await client.get("/", { cookie })).text();
    expect(home).toContain("Sign out");
  });
});

describe("sessions", () => {
  it("sets an HttpOnly, SameSite=Lax cookie, Secure only over HTTPS", async () => {
    const plain = await client.signIn("member@example.com", DEMO_PASSWORD);
    expect(setCookieLine(plain.response)).toMatch(/HttpOnly/i);
    expect(setCookieLine(plain.response)).toMatch(/SameSite=Lax/i);
    expect(setCookieLine(plain.response)).not.toMatch(/Secure/i);
    const overTls = await client.post(
      "/login",
      { email: "member@example.com", password: DEMO_PASSWORD },
      { headers: { "x-forwarded-proto": "https" } },
    );
    expect(setCookieLine(overTls)).toMatch(/; Secure/i);
  });

  it("stores only a hash of the session id", async () => {
    const cookie = await signedIn("member@example.com");
    const token = cookie.split("=")[1];
    const stored = (await scriptDb().select({ id: sessions.id }).from(sessions)).map((row) => row.id);
    expect(stored).not.toContain(token);
    expect(stored).toContain(createHash("sha256").update(token).digest("hex"));
  });

  it("rotates the session id at sign-in and retires the old one", async () => {
    const before = await signedIn("member@example.com");
    const { cookie: after } = await client.signIn("member@example.com", DEMO_PASSWORD, before);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(await (await client.get("/", { cookie: before })).text()).toContain("Sign in");
    expect(await (await client.get("/", { cookie: after! })).text()).toContain("Sign out");
  });

  it("ends every other session when the password changes", async () => {
    const elsewhere = await signedIn("customer@example.com");
    const here = await signedIn("customer@example.com");
    const changed = await client.post(
      "/settings/password",
      { currentPassword: DEMO_PASSWORD, newPassword: "a-brand-new-passphrase" },
      { cookie: here },
    );
    expect(changed.status).toBe(302);
    const fresh = sessionCookieOf(changed);
    expect(fresh).not.toBeNull();
    expect(await (await client.get("/", { cookie: elsewhere })).text()).toContain("Sign in");
    expect(await (await client.get("/", { cookie: here })).text()).toContain("Sign in");
    expect(await (await client.get("/", { cookie: fresh! })).text()).toContain("Sign out");
    const back = await client.post(
      "/settings/password",
      { currentPassword: "a-brand-new-passphrase", newPassword: DEMO_PASSWORD },
      { cookie: fresh! },
    );
    expect(back.status).toBe(302);
  });

  it("ends the session on sign-out", async () => {
    const cookie = await signedIn("member@example.com");
    const response = await client.post("/logout", {}, { cookie });
    expect(response.status).toBe(302);
    expect(await (await client.get("/", { cookie })).text()).toContain("Sign in");
  });
});

describe("sign-in", () => {
  it("answers the same way for an unknown email and a wrong password", async () => {
    await resetAllLimits();
    const unknown = await client.post("/login", { email: "nobody@example.com", password: "whatever-password" });
    const wrong = await client.post("/login", { email: "staff@example.com", password: "whatever-password" });
    expect(unknown.status).toBe(400);
    expect(wrong.status).toBe(400);
    const message = (html: string) => /<p class="form-error"[^>]*>([^<]*)</.exec(html)?.[1];
    expect(message(await unknown.text())).toBe("Email or password is incorrect.");
    expect(message(await wrong.text())).toBe("Email or password is incorrect.");
  });

  it("throttles failed attempts per address and account pair, even if the right password follows from there", async () => {
    await resetAllLimits();
    for (let i = 0; i < 5; i++)
      await client.post("/login", { email: "admin@example.com", password: `wrong-${i}-password` });
    const blocked = await client.post("/login", { email: "admin@example.com", password: DEMO_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sessionCookieOf(blocked)).toBeNull();
    await resetAllLimits();
  });

  it.each(["//evil.example", "/\\evil.example", "/%09/evil.example", "javascript:alert(1)", "https://evil.example/x"])(
    "never redirects off-site after sign-in (redirectTo=%s)",
    async (redirectTo) => {
      const response = await client.post("/login", {
        email: "member@example.com",
        password: DEMO_PASSWORD,
        redirectTo,
      });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/");
    },
  );

  it("puts only a checked local path into the sign-in form's redirectTo field, never what the address holds", async () => {
    for (const [query, field] of [
      ["a%00b", "/"],
      ["%FF", "/"],
      ["//evil.example", "/"],
      ["%2Fquestions%3Ffilter%3Dsolved", "/questions?filter=solved"],
    ]) {
      const page = await (await client.get(`/login?redirectTo=${query}`)).text();
      expect(/name="redirectTo" value="([^"]*)"/.exec(page)?.[1], query).toBe(field);
    }
  });

  it("follows a local redirectTo", async () => {
    const response = await client.post("/login", {
      email: "member@example.com",
      password: DEMO_PASSWORD,
      redirectTo: "/questions?filter=solved",
    });
    expect(response.headers.get("location")).toBe("/questions?filter=solved");
  });
});

describe("sign-up", () => {
  it("refuses common and short passwords with a message next to the field", async () => {
    await resetAllLimits();
    const common = await client.post("/signup", {
      email: "new1@example.com",
      username: "newbie1",
      password: "password123",
    });
    expect(common.status).toBe(400);
    expect(await common.text()).toContain("most common");
    const short = await client.post("/signup", { email: "new1@example.com", username: "newbie1", password: "short" });
    expect(await short.text()).toContain("at least 8");
  });

  it("creates an account without signing in (the answer is the same for a known address); its password signs in at once", async () => {
    await resetAllLimits();
    const response = await client.post("/signup", {
      email: "New.Person@Example.com",
      username: "New-Person",
      password: "kettle-on-the-hob",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/signup?sent=1");
    expect(sessionCookieOf(response)).toBeNull();
    const { cookie } = await client.signIn("new.person@example.com", "kettle-on-the-hob");
    expect(await (await client.get("/", { cookie: cookie! })).text()).toContain("new-person");
  });
});

describe("voting over HTTP", () => {
  it("works as a plain form post and refuses visitors", async () => {
    const thread = await firstThread();
    const page = await (await client.get(threadUrl(thread))).text();
    const postId = /id="post-(\d+)"/.exec(page)![1];
    const visitor = await client.post(threadUrl(thread), { intent: "vote", postId, value: "1" });
    expect(visitor.status).toBe(403);
    const cookie = await signedIn("admin@example.com");
    const voted = await client.post(threadUrl(thread), { intent: "vote", postId, value: "-1" }, { cookie });
    // Back to the post, so that reloading the page does not post the vote again.
    expect(voted.status).toBe(303);
    expect(voted.headers.get("location")).toBe(`${threadUrl(thread)}#post-${postId}`);
    expect(await (await client.get(threadUrl(thread), { cookie })).text()).toContain(
      'aria-label="Remove your Downvote"',
    );
  });
});

describe("session lifetime", () => {
  it("ends a session that has been idle past its expiry", async () => {
    const cookie = await signedIn("member@example.com");
    const hashed = createHash("sha256").update(cookie.split("=")[1]).digest("hex");
    await scriptDb()
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, hashed));
    const response = await client.get("/", { cookie });
    expect(await response.text()).toContain("Sign in");
    expect(setCookieLine(response)).toMatch(/hearth_session=;/);
  });

  it("ends a session older than the absolute lifetime even while it is in use", async () => {
    const cookie = await signedIn("member@example.com");
    const hashed = createHash("sha256").update(cookie.split("=")[1]).digest("hex");
    await scriptDb()
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 31 * 24 * 3600_000) })
      .where(eq(sessions.id, hashed));
    expect(await (await client.get("/", { cookie })).text()).toContain("Sign in");
    expect(firstRow(await scriptDb().select().from(sessions).where(eq(sessions.id, hashed)))).toBeUndefined();
  });
});

describe("role changes", () => {
  it("lets an admin change a role and ends that person's sessions", async () => {
    const devon = await signedIn("dev@example.com");
    const admin = await signedIn("admin@example.com");
    const changed = await client.post("/users/devon", { intent: "role", role: "customer" }, { cookie: admin });
    expect(changed.status).toBe(200);
    expect(await (await client.get("/", { cookie: devon })).text()).toContain("Sign in");
    await client.post("/users/devon", { intent: "role", role: "member" }, { cookie: admin });
  });

  it("refuses a role change from staff and from the admin on their own account", async () => {
    const staff = await signedIn("staff@example.com");
    expect((await client.post("/users/devon", { intent: "role", role: "admin" }, { cookie: staff })).status).toBe(403);
    const admin = await signedIn("admin@example.com");
    expect((await client.post("/users/ada", { intent: "role", role: "member" }, { cookie: admin })).status).toBe(403);
  });
});
