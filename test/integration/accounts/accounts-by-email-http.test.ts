// Accounts by email over real HTTP (issue 13): sign-up answers the same way for a known address and
// signs nobody in; what an unconfirmed account posts waits, seen by its author alone, until the
// link's page (with the account's password) confirms the address and releases it; changing the
// address confirms the new one and tells the old one.
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { accountTokens, posts, sessions, threads, users } from "../../../db/schema";
import { firstRow, scriptDb } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { listCategories } from "~/models/community/tags.server";
import { addCustomerDomain, grantCustomerRole } from "~/models/moderation/users.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { makeUser, TEST_PASSWORD } from "../../fixtures/factories";
import { sessionCookieOf } from "../../fixtures/http-client";
import { mailReader } from "../../fixtures/mail";

const PASSWORD = "a long walk home at dusk";
serveBuiltApp({ staff: "staff@example.com", admin: "admin@example.com" });
beforeEach(() => resetAllLimits());

const html = async (response: Response) =>
  (await response.text()).replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&amp;", "&");
const mail = mailReader();
let serial = 0;
const unique = (prefix: string) => `${prefix}${Date.now() % 100000}${(serial += 1)}`;

const signUp = (email: string, username: string, password = PASSWORD, extra: Record<string, string> = {}) =>
  client.post("/signup", { email, username, password, ...extra });

async function confirmationLink(address: string) {
  const message = await mail.next(address);
  expect(message).toContain("Subject: Confirm your email address");
  const match = /\/confirm-email\?token=([A-Za-z0-9_-]{43})/.exec(message);
  if (!match) throw new Error(`no confirmation link in the email to ${address}`);
  return { path: match[0], token: match[1] };
}

/** What may differ between two answers to the same form: nothing but the per-response nonce and date. */
const comparable = async (response: Response) => ({
  status: response.status,
  location: response.headers.get("location"),
  setCookie: response.headers.get("set-cookie"),
  headers: [...response.headers.keys()].filter((name) => name !== "date").sort(),
  body: (await response.text()).replace(/nonce="[^"]*"/g, "").replace(/"nonce":"[^"]*"/g, ""),
});

describe("sign-up", () => {
  it("answers byte for byte the same for a known address and a new one, signs nobody in, and mails each owner", async () => {
    const known = await makeUser("member");
    const knownEmail = firstRow(
      await scriptDb().select({ email: users.email }).from(users).where(eq(users.id, known.id)),
    )!.email;
    const freshEmail = `${unique("fresh")}@example.test`;
    const forKnown = await comparable(await signUp(knownEmail.toUpperCase(), unique("again")));
    const forNew = await comparable(await signUp(freshEmail, unique("newbie")));
    expect(forKnown).toEqual(forNew);
    expect(forNew).toMatchObject({ status: 302, location: "/signup?sent=1", setCookie: null });

    const page = await html(await client.get("/signup?sent=1"));
    expect(page).toContain("Check your email");
    expect(page).toContain("We sent a link to the address you gave, to finish.");

    const notice = await mail.next(knownEmail);
    expect(notice).toContain("Subject: You already have an account on Nimbus Community");
    expect(notice).toContain("Someone (maybe you) tried to create an account");
    expect(notice).toContain("/forgot-password");
    expect(notice).toContain("/login");
    expect(notice).toContain("If it wasn't you, ignore this email");
    expect(notice).not.toContain("confirm-email?token=");
    await confirmationLink(freshEmail);
    // No second account for the known address.
    expect(await scriptDb().select().from(users).where(eq(users.email, knownEmail))).toHaveLength(1);
  });

  it("takes about as long for a known address as for a new one: the password is hashed either way", async () => {
    const known = await makeUser("member");
    const knownEmail = `${known.username}@example.test`;
    const timed = async (email: string) => {
      await resetAllLimits();
      const started = performance.now();
      expect((await signUp(email, unique("timed"))).status).toBe(302);
      return performance.now() - started;
    };
    const fastest = async (emailOf: () => string) => {
      const times = [];
      for (let i = 0; i < 4; i += 1) times.push(await timed(emailOf()));
      return Math.min(...times);
    };
    const [forKnown, forNew] = [await fastest(() => knownEmail), await fastest(() => `${unique("t")}@example.test`)];
    // Loose on purpose (a busy machine): skipping the hash would make the known address several times faster.
    expect(forKnown).toBeGreaterThan(forNew * 0.4);
  });

  it("says a taken username next to the field, whatever the address (usernames are public)", async () => {
    const known = await makeUser("member");
    for (const email of [`${known.username}@example.test`, `${unique("other")}@example.test`]) {
      const response = await signUp(email, known.username);
      expect(response.status).toBe(400);
      expect(await html(response)).toContain("That username is taken. Try another.");
    }
  });

  it.each([
    [
      "32,000-character fields",
      { email: `${"e".repeat(32_000)}@example.test`, username: "u".repeat(32_000), password: "p".repeat(32_000) },
    ],
    [
      "odd Unicode",
      { email: "ｍｅ@ｅｘａｍｐｌｅ.test\u0000", username: "na\u200bme\u202e", password: "\ud800x".repeat(5) },
    ],
    ["nothing", {}],
  ])("answers %s with a 400 and messages next to the fields, creating nothing", async (_, form) => {
    const before = (await scriptDb().select({ id: users.id }).from(users)).length;
    const response = await client.post("/signup", form as Record<string, string>);
    expect(response.status).toBe(400);
    expect(await html(response)).toMatch(/class="field-error|role="alert"/);
    expect((await scriptDb().select({ id: users.id }).from(users)).length).toBe(before);
  });

  it("answers repeated fields with a 4xx, never a 500", async () => {
    const body = new URLSearchParams([
      ["email", `${unique("twice")}@example.test`],
      ["email", "other@example.test"],
      ["username", unique("twice")],
      ["password", PASSWORD],
      ["password", "something else entirely"],
    ]);
    const response = await fetch(new URL("/signup", client.baseUrl), {
      method: "POST",
      redirect: "manual",
      body,
      headers: { origin: client.baseUrl, "sec-fetch-site": "same-origin" },
    });
    expect(response.status).toBeLessThan(500);
  });
});

/** Signs up a new account and signs in with its password (reading works at once). */
async function newUnconfirmedAccount() {
  const username = unique("waiter");
  const email = `${username}@example.test`;
  expect((await signUp(email, username)).status).toBe(302);
  const link = await confirmationLink(email);
  const { cookie } = await client.signIn(email, PASSWORD);
  return { username, email, link, cookie: cookie! };
}

describe("posts wait until the address is confirmed", () => {
  it("keeps a question and an answer for the author alone, then releases them when the link's page gets the password", async () => {
    const me = await newUnconfirmedAccount();
    // Letters only: search splits words at digits.
    const word = `quokka${Date.now()
      .toString(26)
      .replace(/[0-9]/g, (digit) => "qrstuvwxyz"[Number(digit)])}`;
    const category = (await listCategories())[0].slug;
    const asked = await client.post(
      "/questions/ask",
      { title: `Waiting question about ${word}`, body: `The ${word} blinks twice.`, category, tags: "setup" },
      { cookie: me.cookie },
    );
    expect(asked.status).toBe(302);
    const questionPath = asked.headers.get("location")!;
    const threadId = Number(/^\/questions\/(\d+)\//.exec(questionPath)![1]);
    const visible = firstRow(
      await scriptDb()
        .select({ id: threads.id, slug: threads.slug, answerCount: threads.answerCount })
        .from(threads)
        .where(eq(threads.visibility, "visible"))
        .limit(1),
    )!;
    const answered = await client.post(
      `/questions/${visible.id}/${visible.slug}`,
      { intent: "answer", body: `Answer about the ${word} that waits.` },
      { cookie: me.cookie },
    );
    expect(answered.status).toBe(303);

    // The author sees both, marked, with the banner to send a new link.
    const mine = await html(await client.get(questionPath, { cookie: me.cookie }));
    expect(mine).toContain(`The ${word} blinks twice.`);
    expect(mine).toContain("this will appear once you confirm it");
    expect(mine).toContain("Send a new link");
    expect(await html(await client.get(`/questions/${visible.id}/${visible.slug}`, { cookie: me.cookie }))).toContain(
      `Answer about the ${word} that waits.`,
    );
    expect(await html(await client.get(`/users/${me.username}`, { cookie: me.cookie }))).toContain(
      `Waiting question about ${word}`,
    );

    // Nobody else does, staff included: not the page, search, feeds, the tag, the profile, the queue.
    const nowhere = async () => {
      for (const cookie of [undefined, cookies.staff, cookies.admin]) {
        expect((await client.get(questionPath, { cookie })).status).toBe(404);
        const pages = [
          `/questions/${visible.id}/${visible.slug}`,
          `/search?q=${word}`,
          "/questions",
          "/tags/setup",
          `/users/${me.username}`,
          "/questions/feed.xml",
          "/sitemap.xml",
          "/tags/setup/feed.xml",
          `/users/${me.username}/feed.xml`,
          ...(cookie ? ["/mod"] : []),
        ];
        for (const path of pages) {
          const page = await html(await client.get(path, { cookie }));
          for (const text of [
            `/questions/${threadId}/`,
            `about ${word}`,
            `The ${word} blinks`,
            `the ${word} that waits`,
          ]) {
            expect(page, path).not.toContain(text);
          }
        }
      }
      expect(
        firstRow(await scriptDb().select({ n: threads.answerCount }).from(threads).where(eq(threads.id, visible.id)))!
          .n,
      ).toBe(visible.answerCount);
    };
    await nowhere();
    // Staff cannot act on it by id either.
    const escalated = await client.post(questionPath, { intent: "follow-up" }, { cookie: cookies.staff });
    expect(escalated.status).toBe(404);

    // The link's page, signed out: a wrong password changes nothing; the right one confirms and signs in.
    const wrong = await client.post(me.link.path, {
      intent: "confirm",
      token: me.link.token,
      password: "not it at all",
    });
    expect(wrong.status).toBe(400);
    expect(await html(wrong)).toContain("That is not the password of the account this link is for.");
    await nowhere();
    const confirmed = await client.post(me.link.path, { intent: "confirm", token: me.link.token, password: PASSWORD });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe("/confirm-email?confirmed=1");
    const session = sessionCookieOf(confirmed)!;
    expect(await html(await client.get("/confirm-email?confirmed=1", { cookie: session }))).toContain(
      "your address is confirmed, and you are signed in",
    );

    // Released through the normal path: everyone sees them, counted and indexed.
    expect((await client.get(questionPath)).status).toBe(200);
    // Search marks the matched word, so its hits are found by their link.
    expect(await html(await client.get(`/search?q=${word}`))).toContain(`href="/questions/${threadId}/`);
    expect(await html(await client.get("/tags/setup"))).toContain(`Waiting question about ${word}`);
    expect(await html(await client.get(`/questions/${visible.id}/${visible.slug}`))).toContain(
      `Answer about the ${word} that waits.`,
    );
    expect(
      firstRow(await scriptDb().select({ n: threads.answerCount }).from(threads).where(eq(threads.id, visible.id)))!.n,
    ).toBe(visible.answerCount + 1);
    const states = await scriptDb()
      .select({ state: posts.moderationState })
      .from(posts)
      .where(eq(posts.threadId, threadId));
    expect(states).toEqual([{ state: "visible" }]);

    // The link is used up.
    const again = await client.post(me.link.path, { intent: "confirm", token: me.link.token, password: PASSWORD });
    expect(again.status).toBe(400);
    expect(await html(again)).toContain("This confirmation link has already been used.");
  });

  it("answers hostile input on the link's page with a 4xx and confirms nothing", async () => {
    const me = await newUnconfirmedAccount();
    for (const form of [
      { intent: "confirm", token: me.link.token, password: "p".repeat(32_000) },
      { intent: "confirm", token: me.link.token, password: "\u202e\u0000\ud800" },
      { intent: "confirm", token: "t".repeat(32_000), password: PASSWORD },
      { intent: "nonsense".repeat(4000), token: me.link.token, password: PASSWORD },
    ]) {
      const response = await client.post("/confirm-email", form);
      expect(response.status, JSON.stringify(form).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(sessionCookieOf(response)).toBeNull();
    }
    const repeated = await fetch(new URL("/confirm-email", client.baseUrl), {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams([
        ["intent", "confirm"],
        ["token", me.link.token],
        ["password", "wrong guess one"],
        ["password", "wrong guess two"],
      ]),
      headers: { origin: client.baseUrl, "sec-fetch-site": "same-origin" },
    });
    expect(repeated.status).toBeLessThan(500);
    expect(
      firstRow(await scriptDb().select().from(users).where(eq(users.email, me.email)))!.emailConfirmedAt,
    ).toBeNull();
  });

  it("refuses an expired confirmation link (24 hours) and asks for a new one", async () => {
    const me = await newUnconfirmedAccount();
    const past = Date.now() - 25 * 3600_000;
    await scriptDb()
      .update(accountTokens)
      .set({ createdAt: new Date(past), expiresAt: new Date(past + 24 * 3600_000) })
      .where(eq(accountTokens.email, me.email));
    const response = await client.post(me.link.path, { intent: "confirm", token: me.link.token, password: PASSWORD });
    expect(response.status).toBe(400);
    expect(await html(response)).toContain("This confirmation link has expired");
    expect(
      firstRow(await scriptDb().select().from(users).where(eq(users.email, me.email)))!.emailConfirmedAt,
    ).toBeNull();
  });
});

async function nextChangeLink(address: string) {
  const message = await mail.next(address);
  expect(message).toContain("Subject: Confirm your new email address");
  const match = /\/settings\/email\?token=([A-Za-z0-9_-]{43})/.exec(message);
  if (!match) throw new Error(`no change link in the email to ${address}`);
  return { path: match[0], token: match[1] };
}

describe("changing the email address", () => {
  async function member() {
    const user = await makeUser("member");
    const email = firstRow(
      await scriptDb().select({ email: users.email }).from(users).where(eq(users.id, user.id)),
    )!.email;
    const { cookie } = await client.signIn(email, TEST_PASSWORD);
    return { user, email, cookie: cookie! };
  }
  const ask = (cookie: string, newEmail: string, currentPassword = TEST_PASSWORD) =>
    client.post("/settings/email", { intent: "request", newEmail, currentPassword }, { cookie });

  it("needs the password, mails the new address, keeps the old one until the link, then switches, ends other sessions and tells the old address", async () => {
    const me = await member();
    const newEmail = `${unique("moved")}@elsewhere.test`;
    const wrong = await ask(me.cookie, newEmail, "not my password");
    expect(wrong.status).toBe(400);
    expect(await html(wrong)).toContain("That is not your current password.");

    const asked = await ask(me.cookie, newEmail.toUpperCase());
    expect(asked.status).toBe(200);
    expect(await html(asked)).toContain(`We sent a link to ${newEmail}.`);
    const link = await nextChangeLink(newEmail);
    expect(firstRow(await scriptDb().select().from(users).where(eq(users.id, me.user.id)))!.email).toBe(me.email);

    // Opening the link changes nothing; a visitor is asked to sign in, another account gets a 403.
    expect(await html(await client.get(link.path))).toContain("sign in to the account that asked for it");
    const other = await member();
    expect(
      (await client.post("/settings/email", { intent: "confirm", token: link.token }, { cookie: other.cookie })).status,
    ).toBe(403);
    expect((await client.post("/settings/email", { intent: "confirm", token: link.token })).status).toBe(403);
    const otherSession = (await client.signIn(me.email, TEST_PASSWORD)).cookie!;

    const page = await html(await client.get(link.path, { cookie: me.cookie }));
    expect(page).toContain(`Use ${newEmail} as your email address?`);
    const used = await client.post("/settings/email", { intent: "confirm", token: link.token }, { cookie: me.cookie });
    expect(used.status).toBe(302);
    expect(used.headers.get("location")).toBe("/settings/email?changed=1");
    const fresh = sessionCookieOf(used)!;
    expect(await html(await client.get("/settings/email?changed=1", { cookie: fresh }))).toContain(
      `Your address is now ${newEmail}, and it is confirmed.`,
    );
    const row = firstRow(await scriptDb().select().from(users).where(eq(users.id, me.user.id)))!;
    expect(row.email).toBe(newEmail);
    expect(row.emailConfirmedAt).not.toBeNull();
    expect(await scriptDb().select().from(sessions).where(eq(sessions.userId, me.user.id))).toHaveLength(1);
    expect((await client.get("/settings/email", { cookie: otherSession })).status).toBe(302);

    const notice = await mail.next(me.email);
    expect(notice).toContain("Subject: Your email address on Nimbus Community was changed");
    expect(notice).toContain(`changed to ${newEmail[0]}***@elsewhere.test`);
    expect(notice).not.toContain(newEmail);
    const undo = /\/undo-email-change\?token=([A-Za-z0-9_-]{43})/.exec(notice);
    expect(undo).not.toBeNull();

    // Used once; the old address no longer signs in, the new one does.
    expect(
      (await client.post("/settings/email", { intent: "confirm", token: link.token }, { cookie: fresh })).status,
    ).toBe(400);
    expect((await client.signIn(me.email, TEST_PASSWORD)).cookie).toBeNull();
    expect((await client.signIn(newEmail, TEST_PASSWORD)).cookie).not.toBeNull();

    // "This wasn't me": the old address takes the account back, everyone is signed out, and it gets
    // a link to choose a new password. Opening the link changes nothing; it works once.
    const undoPage = await html(await client.get(undo![0]));
    expect(undoPage).toContain("Give my account back");
    expect(undoPage).toContain(me.email);
    expect(firstRow(await scriptDb().select().from(users).where(eq(users.id, me.user.id)))!.email).toBe(newEmail);
    const restored = await client.post("/undo-email-change", { token: undo![1] });
    expect(restored.status).toBe(303);
    expect(restored.headers.get("location")).toBe("/undo-email-change?done=1");
    expect(await html(await client.get("/undo-email-change?done=1"))).toContain("Your account is yours again");
    expect(firstRow(await scriptDb().select().from(users).where(eq(users.id, me.user.id)))!.email).toBe(me.email);
    expect(await scriptDb().select().from(sessions).where(eq(sessions.userId, me.user.id))).toHaveLength(0);
    expect(await mail.next(me.email)).toMatch(/\/reset-password\?token=[A-Za-z0-9_-]{43}/);
    expect((await client.post("/undo-email-change", { token: undo![1] })).status).toBe(400);
    expect((await client.get("/undo-email-change?token=tampered")).status).toBe(400);
  });

  it("answers the same for an address another account uses, mails nobody, and a link whose address was taken meanwhile changes nothing", async () => {
    const me = await member();
    const taken = await member();
    const free = `${unique("free")}@example.test`;
    const [forTaken, forFree] = [
      await comparable(await ask(me.cookie, taken.email)),
      await comparable(await ask(me.cookie, free)),
    ];
    const strip = (page: typeof forFree, address: string) => ({
      ...page,
      body: page.body.replaceAll(address, "ADDRESS"),
    });
    expect(strip(forTaken, taken.email)).toEqual(strip(forFree, free));
    await expect(mail.next(taken.email)).rejects.toThrow();
    const link = await nextChangeLink(free);

    // Someone signs up with that address before the link is used.
    await scriptDb().update(users).set({ email: free }).where(eq(users.id, taken.user.id));
    const refused = await client.post(
      "/settings/email",
      { intent: "confirm", token: link.token },
      { cookie: me.cookie },
    );
    expect(refused.status).toBe(409);
    expect(await html(refused)).toContain(`Another account now uses ${free}, so your address stays ${me.email}.`);
    expect(firstRow(await scriptDb().select().from(users).where(eq(users.id, me.user.id)))!.email).toBe(me.email);
  });

  it.each([
    [
      "a tampered token",
      (token: string) => `${token.slice(0, 42)}${token[42] === "A" ? "B" : "A"}`,
      "This link is not valid",
    ],
    ["a 32,000-character token", () => "t".repeat(32_000), "This link is not valid"],
    ["a well-formed unknown token", () => "A".repeat(43), "This link is not valid"],
  ])("refuses %s with a 400 and changes nothing", async (_, tamper, message) => {
    const me = await member();
    const newEmail = `${unique("tamper")}@example.test`;
    await ask(me.cookie, newEmail);
    const link = await nextChangeLink(newEmail);
    const response = await client.post(
      "/settings/email",
      { intent: "confirm", token: tamper(link.token) },
      { cookie: me.cookie },
    );
    expect(response.status).toBe(400);
    expect(await html(response)).toContain(message);
    expect(firstRow(await scriptDb().select().from(users).where(eq(users.id, me.user.id)))!.email).toBe(me.email);
  });

  it("refuses an expired link, validates every field, and limits requests to 3 an hour", async () => {
    const me = await member();
    const newEmail = `${unique("late")}@example.test`;
    await ask(me.cookie, newEmail);
    const link = await nextChangeLink(newEmail);
    const past = Date.now() - 25 * 3600_000;
    await scriptDb()
      .update(accountTokens)
      .set({ createdAt: new Date(past), expiresAt: new Date(past + 24 * 3600_000) })
      .where(eq(accountTokens.email, newEmail));
    const expired = await client.post(
      "/settings/email",
      { intent: "confirm", token: link.token },
      { cookie: me.cookie },
    );
    expect(expired.status).toBe(400);
    expect(await html(expired)).toContain("This link has expired");

    await resetAllLimits();
    for (const [newEmail_, password, message] of [
      ["", TEST_PASSWORD, "Enter your email address."],
      ["not an address", TEST_PASSWORD, "Enter a valid email address"],
      [`${"x".repeat(32_000)}@example.test`, TEST_PASSWORD, "That email address is too long."],
      [me.email, TEST_PASSWORD, "That is already your address."],
      [`${unique("ok")}@example.test`, "", "Enter your current password."],
    ]) {
      await resetAllLimits();
      const response = await ask(me.cookie, newEmail_, password);
      expect(response.status, message).toBe(400);
      expect(await html(response)).toContain(message);
    }
    await resetAllLimits();
    for (let i = 0; i < 3; i += 1) expect((await ask(me.cookie, `${unique("many")}@example.test`)).status).toBe(200);
    const limited = await ask(me.cookie, `${unique("many")}@example.test`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).not.toBeNull();
  });

  it("re-applies the customer domain rule: a move into a customer domain grants the role, a move out takes back only a role the domain gave", async () => {
    const domain = `${unique("custdom")}.test`;
    const admin = await makeUser("admin");
    await addCustomerDomain(admin, { domain });
    const move = async (person: { cookie: string }, to: string) => {
      await resetAllLimits();
      expect((await ask(person.cookie, to)).status).toBe(200);
      const link = await nextChangeLink(to);
      const used = await client.post(
        "/settings/email",
        { intent: "confirm", token: link.token },
        { cookie: person.cookie },
      );
      expect(used.status).toBe(302);
      person.cookie = sessionCookieOf(used)!;
    };
    const roleOf = async (id: number) =>
      firstRow(await scriptDb().select({ role: users.role }).from(users).where(eq(users.id, id)))!.role;

    const byDomain = await member();
    await move(byDomain, `${byDomain.user.username}@${domain}`);
    expect(await roleOf(byDomain.user.id)).toBe("customer");
    await move(byDomain, `${byDomain.user.username}@plain.test`);
    expect(await roleOf(byDomain.user.id)).toBe("member");
    const log = await html(await client.get("/mod/log?action=user.domain-member", { cookie: cookies.admin }));
    expect(log).toContain(byDomain.user.username);
    expect(log).not.toContain("@plain.test");

    // An admin's grant stays wherever the person moves.
    const granted = await member();
    await grantCustomerRole(admin, { who: granted.user.username });
    granted.cookie = (await client.signIn(granted.email, TEST_PASSWORD)).cookie!;
    await move(granted, `${granted.user.username}@${domain}`);
    await move(granted, `${granted.user.username}@plain.test`);
    expect(await roleOf(granted.user.id)).toBe("customer");
  });

  it("sends a visitor to sign in", async () => {
    const response = await client.get("/settings/email");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fsettings%2Femail");
  });
});
