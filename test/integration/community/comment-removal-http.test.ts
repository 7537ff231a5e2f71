// Staff remove an imported comment from the thread page over real HTTP: nobody else may (403), a
// cross-site form cannot (403), visitors stop seeing it at once (the cached page goes with the
// write), staff still see it marked, with a form to restore it, and the audit log names the post.
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postComments } from "../../../db/schema";
import { firstRow, scriptDb } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { addComments, importedAnswer, importedThread, importedUser } from "../../fixtures/imported";

const SITE = "removal.stackexchange.example";
const SPAM = "Cheap pedals at pedal-deals-4711";
const REASON = "Spam link";

serveBuiltApp({ staff: "staff@example.com", member: "member@example.com", customer: "customer@example.com" });
beforeEach(() => resetAllLimits());

let page: string;
let questionId: number;
let answerId: number;
let spamId: number;
let answerCommentId: number;

beforeAll(async () => {
  const asker = await importedUser(SITE, 301);
  const helper = await importedUser(SITE, 302);
  const thread = await importedThread(asker, SITE, 9901, {
    title: "Pedals creak under load",
    category: "getting-started",
  });
  page = `/questions/${thread.threadId}/${thread.slug}`;
  questionId = thread.questionId;
  answerId = await importedAnswer(helper, thread.threadId, SITE, 9902, { body: "Grease the threads." });
  await addComments(questionId, [
    { author: helper, body: "Which pedals?" },
    { author: helper, body: SPAM },
  ]);
  await addComments(answerId, [{ author: asker, body: "Worked for me." }]);
  const rows = await scriptDb().select({ id: postComments.id, body: postComments.bodyMarkdown }).from(postComments);
  spamId = rows.find((row) => row.body === SPAM)!.id;
  answerCommentId = rows.find((row) => row.body === "Worked for me.")!.id;
});

const html = async (cookie?: string) => (await (await client.get(page, { cookie })).text()).replaceAll("<!-- -->", "");
const removal = (fields: Record<string, string> = {}) => ({
  intent: "remove-comment",
  postId: String(questionId),
  commentId: String(spamId),
  reason: REASON,
  ...fields,
});
const removedAt = async () =>
  firstRow(await scriptDb().select().from(postComments).where(eq(postComments.id, spamId)))!.removedAt;

describe("removing an imported comment from the thread page", () => {
  it("shows staff a remove form under each comment, and nobody else", async () => {
    const forStaff = await html(cookies.staff);
    expect(forStaff).toContain('name="intent" value="remove-comment"');
    expect(forStaff).toContain(`name="commentId" value="${spamId}"`);
    for (const cookie of [undefined, cookies.member, cookies.customer]) {
      const text = await html(cookie);
      expect(text).toContain(SPAM);
      expect(text).not.toContain("remove-comment");
    }
  });

  it("refuses a member (403) and a cross-site form (403), removing nothing", async () => {
    const byMember = await client.post(page, removal(), { cookie: cookies.member });
    expect(byMember.status).toBe(403);
    const crossSite = await client.post(page, removal(), {
      cookie: cookies.staff,
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    expect(await removedAt()).toBeNull();
    expect(await html()).toContain(SPAM);
  });

  it("answers bad input with a message and a 4xx, never a 500", async () => {
    const tooLong = await client.post(page, removal({ reason: "x".repeat(501) }), { cookie: cookies.staff });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain("Keep the reason under 500 characters.");
    const notANumber = await client.post(page, removal({ commentId: "abc" }), { cookie: cookies.staff });
    expect(notANumber.status).toBe(400);
    expect(await notANumber.text()).toContain("Choose a comment.");
    // The answer's comment named as the question's, and a comment that does not exist.
    for (const commentId of [String(answerCommentId), "2147483647"]) {
      const response = await client.post(page, removal({ commentId }), { cookie: cookies.staff });
      expect(response.status).toBe(404);
    }
    // A number with a line break before it is that number: the page's anchor is built from the id
    // as read, not from the form's text (a line break in Location was a 500). Restoring a comment
    // that is not removed changes nothing.
    const padded = await client.post(page, removal({ intent: "restore-comment", commentId: `\n${spamId}` }), {
      cookie: cookies.staff,
    });
    expect(padded.status).toBe(303);
    expect(padded.headers.get("location")).toBe(`${page}#comment-${spamId}`);
    expect(await removedAt()).toBeNull();
  });

  it("takes it off the visitor's page at once, and shows staff who removed it, why, and a restore form", async () => {
    // The visitor's page is cached now, with the comment.
    expect(await html()).toContain(SPAM);
    const response = await client.post(page, removal(), { cookie: cookies.staff });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${page}#comment-${spamId}`);

    for (const cookie of [undefined, cookies.member, cookies.customer]) {
      const text = await html(cookie);
      expect(text).not.toContain("pedal-deals");
      expect(text).toContain("Which pedals?");
    }
    const forStaff = await html(cookies.staff);
    expect(forStaff).toContain(SPAM);
    expect(forStaff).toMatch(/Removed by sam-support <time[^>]*>[^<]*<\/time>: Spam link\. Only staff see it\./);
    expect(forStaff).toContain('name="intent" value="restore-comment"');

    const log = await (await client.get("/mod/log?action=comment.remove", { cookie: cookies.staff })).text();
    expect(log).toContain("Removed a comment from a post");
    expect(log).toContain(REASON);
    expect(log).toContain("Pedals creak under load");
    expect(log).not.toContain("pedal-deals");
  });

  it("lets staff restore it, for everyone again", async () => {
    const byMember = await client.post(page, removal({ intent: "restore-comment" }), { cookie: cookies.member });
    expect(byMember.status).toBe(403);
    const response = await client.post(page, removal({ intent: "restore-comment", reason: "" }), {
      cookie: cookies.staff,
    });
    expect(response.status).toBe(303);
    expect(await html()).toContain(SPAM);
    const log = await (await client.get("/mod/log?action=comment.restore", { cookie: cookies.staff })).text();
    expect(log).toContain("Restored a comment staff had removed");
  });
});
