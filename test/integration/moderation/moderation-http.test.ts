// Moderation over real HTTP, on the demo community (which seeds held and flagged posts).
import { and, desc, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { posts, threads, users } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { holdNewMembers } from "../../fixtures/factories";

// The installation default (the test template turns holding off): the demo's newcomer is held.
beforeAll(() => holdNewMembers());
serveBuiltApp({
  staff: "staff@example.com",
  admin: "admin@example.com",
  member: "member@example.com",
  newcomer: "newcomer@example.com",
});

const heldThread = async () =>
  firstRow(
    await scriptDb()
      .select({ id: threads.id, slug: threads.slug, title: threads.title })
      .from(threads)
      .where(eq(threads.visibility, "held")),
  )!;
const hiddenAnswer = async () => {
  const post = firstRow(
    await scriptDb()
      .select({ id: posts.id, threadId: posts.threadId, body: posts.bodyMarkdown })
      .from(posts)
      .where(eq(posts.moderationState, "hidden")),
  )!;
  const thread = firstRow(
    await scriptDb().select({ slug: threads.slug }).from(threads).where(eq(threads.id, post.threadId)),
  )!;
  return { ...post, path: `/questions/${post.threadId}/${thread.slug}` };
};
const text = async (response: Response) => (await response.text()).replaceAll("&quot;", '"').replaceAll("&#x27;", "'");

describe("moderation over HTTP", () => {
  it("opens the moderation pages to staff only, and settings to admins only", async () => {
    for (const path of ["/mod", "/mod/log", "/mod/lexicon"]) {
      expect((await client.get(path, { cookie: cookies.staff })).status, path).toBe(200);
      expect((await client.get(path, { cookie: cookies.member })).status, path).toBe(403);
      expect((await client.get(path)).status, path).toBe(302); // a visitor is asked to sign in
    }
    expect((await client.get("/mod/settings", { cookie: cookies.admin })).status).toBe(200);
    expect((await client.get("/mod/settings", { cookie: cookies.staff })).status).toBe(403);
    expect((await client.post("/mod", { postId: "1", decision: "hide" }, { cookie: cookies.member })).status).toBe(403);
  });

  it("shows the demo's held and flagged posts in the queue, and hides them from everyone else", async () => {
    const queue = await text(await client.get("/mod", { cookie: cookies.staff }));
    const held = await heldThread();
    const hidden = await hiddenAnswer();
    expect(queue).toContain(held.title);
    // Held posts hold no links now (refused below the basic trust level), so no automatic link flag.
    expect(queue).not.toContain("Link from a new member (automatic)");
    expect(queue).toContain("Rude or abusive");
    expect(queue).toContain("Not kind to a new customer.");

    expect((await client.get(`/questions/${held.id}/${held.slug}`)).status).toBe(404);
    expect((await client.get(`/questions/${held.id}/${held.slug}`, { cookie: cookies.member })).status).toBe(404);
    const ownView = await client.get(`/questions/${held.id}/${held.slug}`, { cookie: cookies.newcomer });
    expect(ownView.status).toBe(200);
    expect(await text(ownView)).toContain("Waiting for review");
    expect(await text(await client.get("/sitemap.xml"))).not.toContain(`/questions/${held.id}/`);
    expect(await text(await client.get("/questions"))).not.toContain(held.title);

    const visitorPage = await text(await client.get(hidden.path));
    expect(visitorPage).not.toContain(hidden.body);
    const staffPage = await text(await client.get(hidden.path, { cookie: cookies.staff }));
    expect(staffPage).toContain(hidden.body);
    expect(staffPage).toContain("Hidden pending review");
  });

  it("answers bad input with a 400 and the message next to the field", async () => {
    const hidden = await hiddenAnswer();
    const badFlag = await client.post(
      `/posts/${hidden.id - 1}/flag`,
      { reason: "because" },
      { cookie: cookies.member },
    );
    expect(badFlag.status).toBe(400);
    expect(await text(badFlag)).toContain("Choose why you are flagging this post.");
    expect((await client.get(`/posts/${hidden.id - 1}/flag`)).status).toBe(302); // visitors sign in first
    expect((await client.get(`/posts/${hidden.id}/flag`, { cookie: cookies.member })).status).toBe(404); // hidden from them

    const pastSuspension = await client.post(
      "/users/morgan",
      { intent: "suspend", until: "2001-01-01", reason: "x" },
      { cookie: cookies.staff },
    );
    expect(pastSuspension.status).toBe(400);
    expect(await text(pastSuspension)).toContain("Choose a day after today.");

    const unknownAction = await client.post("/users/morgan", { intent: "delete-account" }, { cookie: cookies.staff });
    expect(unknownAction.status).toBe(400);
    expect(await text(unknownAction)).toContain("Unknown action.");

    const emptyPhrase = await client.post(
      "/mod/lexicon",
      { intent: "add", phrase: "", suggestion: "" },
      { cookie: cookies.staff },
    );
    expect(emptyPhrase.status).toBe(400);
    expect(await text(emptyPhrase)).toContain("Enter the phrase to avoid.");

    const badDomain = await client.post(
      "/mod/settings",
      { intent: "add-domain", domain: "not a domain" },
      { cookie: cookies.admin },
    );
    expect(badDomain.status).toBe(400);
    expect(await text(badDomain)).toContain("Enter an email domain, like example.com.");

    const badThreshold = await client.post(
      "/mod/settings",
      { intent: "settings", flagHideThreshold: "lots" },
      { cookie: cookies.admin },
    );
    expect(badThreshold.status).toBe(400);
    expect(await text(badThreshold)).toContain("Enter a whole number.");

    const badClose = await client.post(
      hidden.path,
      { intent: "moderate-thread", action: "close", reason: "" },
      { cookie: cookies.staff },
    );
    expect(badClose.status).toBe(400);
    expect(await text(badClose)).toContain("Say why the thread is closed.");

    // Everyone reads a close reason: an override would show "Duplicate of the answer below" reversed.
    const threadStatus = async () =>
      firstRow(
        await scriptDb().select({ status: threads.status }).from(threads).where(eq(threads.id, hidden.threadId)),
      )!.status;
    const statusBefore = await threadStatus();
    const reversedClose = await client.post(
      hidden.path,
      { intent: "moderate-thread", action: "close", reason: "Duplicate \u202Ewoleb rewsna eht fo" },
      { cookie: cookies.staff },
    );
    expect(reversedClose.status).toBe(400);
    expect(await text(reversedClose)).toContain(
      "Remove the invisible characters that change the direction of the text",
    );
    expect(await threadStatus()).toBe(statusBefore);
    expect(statusBefore).not.toBe("closed");
  });

  it("tells visitors a closed or locked question takes no answers, instead of inviting them to sign in to answer", async () => {
    const [toClose, toLock] = await scriptDb()
      .select({ id: threads.id, slug: threads.slug })
      .from(threads)
      .where(and(eq(threads.status, "open"), eq(threads.visibility, "visible"), isNull(threads.lockedAt)))
      .orderBy(desc(threads.id))
      .limit(2);
    const visitorSees = async (thread: { id: number; slug: string }) =>
      text(await client.get(`/questions/${thread.id}/${thread.slug}`));
    const invitation = "create an account</a> to answer.";
    expect(await visitorSees(toClose)).toContain(invitation);
    for (const [thread, action, notice] of [
      [toClose, "close", "This question is closed to new answers."],
      [toLock, "lock", "This question is locked: it takes no new answers."],
    ] as const) {
      const path = `/questions/${thread.id}/${thread.slug}`;
      const done = await client.post(
        path,
        { intent: "moderate-thread", action, reason: "Answered in the pairing guide." },
        { cookie: cookies.staff },
      );
      expect(done.status, action).toBe(303);
      const page = await visitorSees(thread);
      expect(page, action).toContain(notice);
      expect(page, action).not.toContain(invitation);
    }
  });

  it("tells the author of a post staff hid that a moderator hid it, not that people flagged it", async () => {
    const flagged = await hiddenAnswer();
    const post = firstRow(
      await scriptDb()
        .select({ id: posts.id, threadId: posts.threadId, slug: threads.slug })
        .from(posts)
        .innerJoin(users, eq(users.id, posts.authorId))
        .innerJoin(threads, eq(threads.id, posts.threadId))
        .where(and(eq(users.email, "member@example.com"), eq(posts.moderationState, "visible")))
        .orderBy(desc(posts.kind)),
    )!;
    const decided = await client.post("/mod", { postId: String(post.id), decision: "hide" }, { cookie: cookies.staff });
    expect(decided.status).toBeLessThan(400);
    const path = `/questions/${post.threadId}/${post.slug}`;
    const authorPage = await text(await client.get(path, { cookie: cookies.member }));
    expect(authorPage).toContain("Hidden by a moderator: only you and staff can see it.");
    expect(authorPage).not.toContain("people flagged it");
    expect(await text(await client.get(path, { cookie: cookies.staff }))).toContain("Hidden by a moderator.");
    // The demo's answer hidden by flags still says it waits for review.
    expect(await text(await client.get(flagged.path, { cookie: cookies.staff }))).toContain("Hidden pending review");
  });

  it("filters the audit log and refuses to let anyone change it through the app", async () => {
    const log = await text(await client.get("/mod/log?action=post.hide", { cookie: cookies.staff }));
    expect(log).toContain("Hidden automatically after 3 flags");
    expect(log).toMatch(/<td>Hid a post/);
    expect(log).not.toMatch(/<td>Verified a solution/);
    // There is no route that writes to the log: any other method on it is refused.
    expect((await client.post("/mod/log", { id: "1" }, { cookie: cookies.admin })).status).toBe(405);
  });
});
