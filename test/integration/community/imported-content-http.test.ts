// Imported content over real HTTP (issue 17): old addresses redirect, with Hearth's own threads winning
// their address; an imported thread's page shows each post's licence line and its comments, never a
// hidden post's, in clean UTF-8 whatever the comments hold; an imported account refuses every password
// until a reset link claims it.
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { posts, tags, threadTags, threads, users } from "../../../db/schema";
import { write } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { hashPassword } from "~/models/accounts/auth.server";
import { client, serveBuiltApp } from "../../fixtures/app-server";
import { makeThread, makeUser } from "../../fixtures/factories";
import {
  addComments,
  addImportedBadges,
  deletedUserOf,
  importedAnswer,
  importedThread,
  importedUser,
} from "../../fixtures/imported";
import { mailReader } from "../../fixtures/mail";

const SITE = "bicycles.meta.stackexchange.com";
const CATEGORY = "getting-started";
// Combining marks, a right-to-left override, an emoji family (joined), a lone surrogate's neighbours,
// CJK and a 4-byte character: each must arrive as the UTF-8 it was.
const ODD = "Zalgo Z̸̢͓̈́a̷͚̓l̶̰̈g̵͉̈́o ‮gnitirw‬ 👨‍👩‍👧 漢字 𝔘𝔫𝔦";

serveBuiltApp();
beforeEach(() => resetAllLimits());

let thread: { threadId: number; slug: string; questionId: number };
let answerId: number;
let hiddenAnswerId: number;
let hearth: { threadId: number; slug: string };
let collision: { threadId: number; slug: string };
let hidden: { threadId: number; slug: string };

let asker: Member;

beforeAll(async () => {
  asker = await importedUser(SITE, 201);
  const helper = await importedUser(SITE, 202);
  const deleted = await deletedUserOf(SITE);
  thread = await importedThread(asker, SITE, 8001, {
    title: "Front derailleur rubs in the big ring",
    category: CATEGORY,
  });
  answerId = await importedAnswer(helper, thread.threadId, SITE, 8002, { body: "Adjust the limit screw." });
  hiddenAnswerId = await importedAnswer(helper, thread.threadId, SITE, 8003, { body: "A spam answer." });
  await write((db) => db.update(posts).set({ moderationState: "hidden" }).where(eq(posts.id, hiddenAnswerId)));
  await addComments(thread.questionId, [
    { author: helper, body: "Which **groupset**?", score: 4 },
    { author: deleted, body: ODD, sourceAuthorName: "Rider Who Left" },
  ]);
  await addComments(answerId, [{ author: asker, body: "That did it." }]);
  await addComments(hiddenAnswerId, [{ author: asker, body: "Comment under the hidden answer." }]);
  // A Hearth thread, and an imported question whose id on its site is that thread's id.
  const member = await makeUser("member");
  hearth = await makeThread(member, { title: "Hearth's own question about lights", category: CATEGORY, tags: "" });
  collision = await importedThread(asker, SITE, hearth.threadId, {
    title: "Imported question sharing an id",
    category: CATEGORY,
  });
  hidden = await importedThread(asker, SITE, 8101, { title: "An imported question staff hid", category: CATEGORY });
  await write((db) => db.update(threads).set({ visibility: "hidden" }).where(eq(threads.id, hidden.threadId)));
});

/** The page without the comments React puts between adjacent pieces of text. */
const textOf = (html: string) => html.replaceAll("<!-- -->", "");
const location = (response: Response) => [response.status, response.headers.get("location")];
const path = (t: { threadId: number; slug: string }) => `/questions/${t.threadId}/${t.slug}`;

describe("old addresses of imported content", () => {
  it("sends the source's short links and profile address to the imported thread, answer and account", async () => {
    expect(location(await client.get("/q/8001"))).toEqual([301, path(thread)]);
    expect(location(await client.get("/a/8002"))).toEqual([301, `${path(thread)}#post-${answerId}`]);
    // Share links add the sharer's id on the source: the same places.
    expect(location(await client.get("/q/8001/202"))).toEqual([301, path(thread)]);
    expect(location(await client.get("/a/8002/201"))).toEqual([301, `${path(thread)}#post-${answerId}`]);
    const profile = await client.get("/users/202/some-old-name");
    expect(profile.status).toBe(301);
    expect(profile.headers.get("location")).toMatch(/^\/users\/member-/);
  });

  it("gives /questions/<id>/<slug> to Hearth's thread when the slug is its own, else to the import with that id", async () => {
    expect((await client.get(path(hearth))).status).toBe(200);
    expect(location(await client.get(`/questions/${hearth.threadId}/imported-question-sharing-an-id`))).toEqual([
      301,
      path(collision),
    ]);
    // Hearth's own short form has no slug: its thread.
    expect(location(await client.get(`/questions/${hearth.threadId}`))).toEqual([301, path(hearth)]);
    expect(location(await client.get(`/questions/8001/front-derailleur-rubs`))).toEqual([301, path(thread)]);
  });

  it("answers 404 for a hidden imported thread, a hidden answer and an id nobody imported", async () => {
    for (const address of [
      "/q/8101",
      "/q/8101/201",
      `/questions/8101/${hidden.slug}`,
      "/a/8003",
      "/a/8003/201",
      "/q/999999",
      "/q/999999/201",
      "/users/999999/x",
    ]) {
      const response = await client.get(address);
      expect(response.status, address).toBe(404);
      // The site's own 404 page, with what is missing, as for any other address that leads nowhere.
      expect(response.headers.get("content-type"), address).toMatch(/^text\/html/);
      expect(textOf(await response.text()), address).toMatch(
        /<h1 id="error-title">Page not found<\/h1><p>(That question does not exist|That answer does not exist|There is no member with that name)\./,
      );
    }
  });
});

describe("an imported thread's page", () => {
  it("shows each post's licence line and its comments, and nothing of a hidden answer's", async () => {
    const response = await client.get(path(thread));
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const page = bytes.toString("utf8");
    expect(page).toContain(`Originally posted on <a href="https://${SITE}/">${SITE}</a> by <!-- -->`);
    expect(page).toContain('<a href="https://creativecommons.org/licenses/by-sa/3.0/" rel="license">CC BY-SA 3.0</a>');
    expect(page).toContain(`<a href="https://${SITE}/q/8001">source</a>`);
    expect(page).toContain(`<a href="https://${SITE}/a/8002">source</a>`);
    expect(page).toContain("Which <strong>groupset</strong>?");
    expect(page).toContain("Rider Who Left");
    expect(page).toContain("That did it.");
    expect(page).not.toContain("Comment under the hidden answer.");
    expect(page).not.toContain("A spam answer.");
    // The odd comment arrives as the same characters, in valid UTF-8 with no NUL.
    expect(page).toContain(ODD);
    expect(bytes.includes(0)).toBe(false);
    expect(page).not.toContain("\ufffd");
    expect(new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toBe(page);
  });

  it("sends a page of long multi-byte comments in valid UTF-8, whatever falls on a chunk's edge", async () => {
    const many = await importedThread(asker, SITE, 8201, {
      title: "Many comments in many scripts",
      category: CATEGORY,
    });
    // 30 comments of 1,000 characters of 1 to 4 bytes, each shifted so that characters straddle every offset.
    const scripts = ["é", "漢", "𝔘", "👨‍👩‍👧", "a"];
    await addComments(
      many.questionId,
      Array.from({ length: 30 }, (_, i) => ({
        author: asker,
        body: "x".repeat(i % 4) + Array.from({ length: 1000 }, (_, j) => scripts[(i + j) % scripts.length]).join(""),
      })),
    );
    const bytes = Buffer.from(await (await client.get(path(many))).arrayBuffer());
    expect(bytes.includes(0)).toBe(false);
    const page = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    expect(page).not.toContain("\ufffd");
    expect(page.split('class="comment-body"').length - 1).toBe(30);
  });

  it("links an imported tag whose name holds # or + to that tag's page, not another's", async () => {
    // A thread of its own, tagged before any page of it is served (and cached for visitors).
    const tagged = await importedThread(asker, SITE, 8050, { title: "Sharp shifting in C sharp", category: CATEGORY });
    await write(async (db) => {
      const [tag] = await db.insert(tags).values({ name: "c#", threadCount: 1 }).returning({ id: tags.id });
      await db.insert(threadTags).values({ threadId: tagged.threadId, tagId: tag.id });
    });
    const page = await (await client.get(path(tagged))).text();
    expect(page).toContain('href="/tags/c%23"');
    const tagPage = await client.get("/tags/c%23");
    expect(tagPage.status).toBe(200);
    expect(await tagPage.text()).toContain("Sharp shifting in C sharp");
  });

  it("shows Hearth's own thread with no licence line", async () => {
    const page = await (await client.get(path(hearth))).text();
    expect(page).not.toContain("Originally posted on");
  });
});

describe("an imported account", () => {
  const mail = mailReader();

  it("refuses every password, with the usual answer, until a reset link sets one", async () => {
    const person = await importedUser(SITE, 301);
    const email = `${person.username}@example.test`;
    // Also as the importer stores it: a hash of a secret nobody kept.
    const other = await importedUser(SITE, 302, await hashPassword("a secret nobody kept"));
    for (const [address, password] of [
      [email, "!imported"],
      [email, ""],
      [email, "correct-horse-battery"],
      [`${other.username}@example.test`, "correct-horse-battery"],
    ]) {
      await resetAllLimits();
      const { response, cookie } = await client.signIn(address, password);
      expect(response.status, password).toBe(400);
      expect(cookie).toBeNull();
      if (password) expect(await response.text()).toContain("Email or password is incorrect.");
    }

    expect((await client.post("/forgot-password", { email })).status).toBe(200);
    const message = await mail.next(email);
    const token = /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(message)?.[1];
    expect(token).toBeTruthy();
    const done = await client.post("/reset-password", { token: token!, newPassword: "my own bicycle bell" });
    expect(done.status).toBe(303);
    await resetAllLimits();
    const signedIn = await client.signIn(email, "my own bicycle bell");
    expect(signedIn.response.status).toBe(302);
    expect(signedIn.cookie).toBeTruthy();
  });

  it("offers the claim on its profile until it is claimed, and lists the badges earned on its site", async () => {
    const person = await importedUser(SITE, 401);
    await addImportedBadges(person.id, SITE, [{ name: "Autobiographer", tier: "bronze" }]);
    const page = textOf(await (await client.get(`/users/${person.username}`)).text());
    expect(page).toContain(`Imported from ${SITE}.`);
    expect(page).toContain('<a href="/forgot-password">Claim it by email</a>');
    expect(page).toContain(`<h2 class="section-title">Earned on ${SITE}</h2>`);
    expect(page).toContain("Bronze badge: </span>Autobiographer");
    await write((db) => db.update(users).set({ lastSeenAt: new Date() }).where(eq(users.id, person.id)));
    // Another address than the first read's: visitors' pages are cached for a few seconds.
    const claimed = textOf(await (await client.get(`/users/${person.username}?after=claim`)).text());
    expect(claimed).toContain(`Imported from ${SITE}.`);
    expect(claimed).not.toContain("Claim it by email");
  });
});
