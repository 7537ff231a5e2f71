// Staff remove a past version's text from a post's history, over real HTTP: a reason is required,
// the audit log records it without the text, everyone else reads "Removed by staff", and staff can
// put the text back.
import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, postRevisions, posts, threads, users } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { editPost } from "~/models/community/posts.server";
import { listCategories } from "~/models/community/tags.server";
import { client, serveBuiltApp } from "../../fixtures/app-server";
import { makeAnswer, makeThread, makeUser, TEST_PASSWORD } from "../../fixtures/factories";

const PRIVATE = "my address is 12 Privet Drive";
let staffCookie: string;
let memberCookie: string;
let postId: number;
let revisionId: number;

const signIn = async (account: Member) => {
  await resetAllLimits();
  const email = firstRow(
    await scriptDb().select({ email: users.email }).from(users).where(eq(users.id, account.id)),
  )!.email;
  const { cookie } = await client.signIn(email, TEST_PASSWORD);
  if (!cookie) throw new Error(`could not sign in as ${account.username}`);
  return cookie;
};

serveBuiltApp();
beforeAll(async () => {
  const [asker, answerer, staff] = [await makeUser("customer"), await makeUser("member"), await makeUser("staff")];
  const { threadId } = await makeThread(asker, {
    title: "Where do I send the broken hub?",
    category: (await listCategories())[0].slug,
    tags: "",
  });
  postId = (await makeAnswer(answerer, threadId, `Send it to me, ${PRIVATE}.`)).postId;
  await resetAllLimits();
  await editPost(staff, postId, { body: "Send it to the address on your receipt." });
  revisionId = firstRow(
    await scriptDb().select({ id: postRevisions.id }).from(postRevisions).where(eq(postRevisions.postId, postId)),
  )!.id;
  staffCookie = await signIn(staff);
  memberCookie = await signIn(await makeUser("member"));
});

const history = async (cookie?: string) =>
  (await (await client.get(`/posts/${postId}/history`, { cookie })).text()).replaceAll("&#x27;", "'");
const revision = async () =>
  firstRow(await scriptDb().select().from(postRevisions).where(eq(postRevisions.id, revisionId)))!;
const lastAudit = async () =>
  firstRow(
    await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, "post"), eq(auditLog.subjectId, postId)))
      .orderBy(desc(auditLog.id)),
  );

describe("redacting a post's history", () => {
  it("asks staff why, and changes nothing without a reason", async () => {
    const response = await client.post(
      `/posts/${postId}/history`,
      { intent: "redact", revisionId: String(revisionId), reason: "  " },
      { cookie: staffCookie },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Say why the text is removed.");
    expect((await revision()).redactedAt).toBeNull();
    const unknown = await client.post(
      `/posts/${postId}/history`,
      { intent: "burn", revisionId: String(revisionId) },
      { cookie: staffCookie },
    );
    expect(unknown.status).toBe(400);
    // A line break before the number is that number: the page's anchor comes from the id as read,
    // not the form's text (a line break in Location was a 500). Putting back text that is there
    // changes nothing.
    const padded = await client.post(
      `/posts/${postId}/history`,
      { intent: "unredact", revisionId: `\n${revisionId}` },
      { cookie: staffCookie },
    );
    expect(padded.status).toBe(303);
    expect(padded.headers.get("location")).toBe(`/posts/${postId}/history#revision-${revisionId}`);
    expect((await revision()).redactedAt).toBeNull();
  });

  it("is a 404 for a version of another post", async () => {
    const response = await client.post(
      `/posts/${postId + 1000}/history`,
      { intent: "redact", revisionId: String(revisionId), reason: "x" },
      { cookie: staffCookie },
    );
    expect(response.status).toBe(404);
    expect((await revision()).redactedAt).toBeNull();
  });

  it("removes the text for everyone but staff, and logs the reason without the text", async () => {
    expect(await history()).toContain(PRIVATE);
    const response = await client.post(
      `/posts/${postId}/history`,
      { intent: "redact", revisionId: String(revisionId), reason: "Home address" },
      { cookie: staffCookie },
    );
    expect(response.status).toBe(303);
    expect((await revision()).redactionReason).toBe("Home address");
    expect((await revision()).previousBodyMarkdown).toContain(PRIVATE); // kept for staff

    for (const cookie of [undefined, memberCookie]) {
      const page = await history(cookie);
      expect(page).toContain("Removed by staff");
      expect(page).not.toContain(PRIVATE);
      expect(page).not.toContain("Home address");
    }
    const staffPage = await history(staffCookie);
    expect(staffPage).toContain(PRIVATE);
    expect(staffPage).toContain("Home address");

    const entry = (await lastAudit())!;
    expect(entry.action).toBe("revision.redact");
    expect(entry.reason).toBe("Home address");
    expect(JSON.stringify([entry.before, entry.after, entry.subjectLabel])).not.toContain("Privet");
    // Nor does the staff edit's own entry keep a copy: the log cannot be changed, so it must not hold the text.
    const entries = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, "post"), eq(auditLog.subjectId, postId)));
    expect(entries.map((row) => row.action)).toContain("post.edit");
    expect(JSON.stringify(entries)).not.toContain("Privet");
  });

  it("lets staff put the text back, logged too", async () => {
    const response = await client.post(
      `/posts/${postId}/history`,
      { intent: "unredact", revisionId: String(revisionId) },
      { cookie: staffCookie },
    );
    expect(response.status).toBe(303);
    expect((await revision()).redactedAt).toBeNull();
    expect((await lastAudit())!.action).toBe("revision.unredact");
    expect(await history()).toContain(PRIVATE);
  });
});

describe("a staff edit of a title that held personal data", () => {
  it("moves the thread to an address without it (the old one redirects) and keeps it out of the log entry", async () => {
    const [asker, staff] = [await makeUser("customer"), await makeUser("staff")];
    const { threadId } = await makeThread(asker, {
      title: "Call me on 555 0100 about my hub",
      category: (await listCategories())[0].slug,
      tags: "",
    });
    const oldPath = `/questions/${threadId}/${firstRow(await scriptDb().select({ slug: threads.slug }).from(threads).where(eq(threads.id, threadId)))!.slug}`;
    expect(oldPath).toContain("555-0100");
    const questionId = firstRow(
      await scriptDb()
        .select({ id: posts.id })
        .from(posts)
        .where(and(eq(posts.threadId, threadId), eq(posts.kind, "question"))),
    )!.id;
    await resetAllLimits();
    await editPost(staff, questionId, {
      title: "My hub will not pair",
      body: "It blinks **blue** and never connects.",
    });

    const old = await client.get(oldPath);
    expect(old.status).toBe(301);
    expect(old.headers.get("location")).toBe(`/questions/${threadId}/my-hub-will-not-pair`);
    const page = await (await client.get(old.headers.get("location")!)).text();
    expect(page).toContain("My hub will not pair");
    // The number, in the title or in the address (asset file names may hold any digits).
    expect(page).not.toMatch(/555[ -]0100/);
    const entries = await scriptDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, "post"), eq(auditLog.subjectId, questionId)));
    expect(entries.map((entry) => entry.action)).toEqual(["post.edit"]);
    expect(JSON.stringify(entries)).not.toMatch(/555[ -]0100/);
  });
});
