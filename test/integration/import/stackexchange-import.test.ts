// The Stack Exchange import end to end on the committed slice (test/fixtures/se-slice), on the
// engine of the run: what it makes, that a second run changes nothing, that a run stopped by a bad
// file or an interruption resumes, and that imported accounts are claimed by reset link only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  importRecords,
  importedBadges,
  postComments,
  postRevisions,
  posts,
  reputationEvents,
  solutions,
  threads,
  users,
} from "../../../db/schema";
import { scriptDb, write } from "~/lib/db.server";
import { VISITOR } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { signIn } from "~/models/accounts/users.server";
import { requestPasswordReset, resetPassword } from "~/models/accounts/password-reset.server";
import { castVote } from "~/models/community/votes.server";
import {
  ImportFileError,
  ImportInterrupted,
  importStackExchange,
  type ImportSummary,
} from "~/models/import/stackexchange/import.server";
import { placeholderEmail } from "~/models/import/stackexchange/users.server";
import { indexedThreadIds } from "~/models/search/index.server";
import { makeUser } from "../../fixtures/factories";
import { mailReader } from "../../fixtures/mail";

const SLICE = path.resolve("test/fixtures/se-slice");
const SITE = "bicycles.meta.stackexchange.com";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "se-import-test-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A copy of the slice to change, in a folder of its own. */
function sliceCopy(name: string, change?: (folder: string) => void) {
  const folder = path.join(work, name);
  fs.cpSync(SLICE, folder, { recursive: true });
  change?.(folder);
  return folder;
}

const db = () => scriptDb();
const tallyOf = (summary: ImportSummary, kind: string) => summary.counts.get(kind);

/** Source id → Hearth id of one kind on one site. */
async function targetOf(site: string, kind: "thread" | "post" | "user", sourceId: number) {
  const [row] = await db()
    .select({ id: importRecords.targetId })
    .from(importRecords)
    .where(and(eq(importRecords.site, site), eq(importRecords.kind, kind), eq(importRecords.sourceId, sourceId)));
  return row.id;
}

/** Row counts of what a site's import makes, to compare runs. */
async function siteCounts(site: string) {
  const threadIds = (await db().select({ id: threads.id }).from(threads).where(eq(threads.sourceSite, site))).map(
    (row) => row.id,
  );
  const postIds = (await db().select({ id: posts.id }).from(posts).where(eq(posts.sourceSite, site))).map(
    (row) => row.id,
  );
  const [revisions] = await db()
    .select({ n: count() })
    .from(postRevisions)
    .where(inArray(postRevisions.postId, postIds));
  const [comments] = await db().select({ n: count() }).from(postComments).where(inArray(postComments.postId, postIds));
  const [badges] = await db().select({ n: count() }).from(importedBadges).where(eq(importedBadges.site, site));
  const [accepted] = await db().select({ n: count() }).from(solutions).where(inArray(solutions.threadId, threadIds));
  const [records] = await db().select({ n: count() }).from(importRecords).where(eq(importRecords.site, site));
  const [people] = await db()
    .select({ n: count() })
    .from(importRecords)
    .where(and(eq(importRecords.site, site), eq(importRecords.kind, "user")));
  return {
    threads: threadIds.length,
    posts: postIds.length,
    revisions: revisions.n,
    comments: comments.n,
    badges: badges.n,
    accepted: accepted.n,
    records: records.n,
    users: people.n,
  };
}

let first: ImportSummary;

beforeAll(async () => {
  first = await importStackExchange({ folder: SLICE, site: SITE });
}, 60_000);

describe("importStackExchange on the committed slice", () => {
  it("imports every question, answer, revision, comment, badge and acceptance, and counts what it skipped", async () => {
    expect(await siteCounts(SITE)).toMatchObject({
      threads: 40,
      posts: 188,
      revisions: 205,
      comments: 274,
      badges: 200,
      accepted: 32,
      // 83 users and the one "deleted user".
      users: 84,
    });
    expect(tallyOf(first, "questions")).toMatchObject({ imported: 40, skipped: 0 });
    expect(first.skipReasons.get("Posts.xml: tag wiki (PostTypeId 4/5)")).toBe(2);
    expect(first.notes.some((note) => note.includes("No PostHistory.xml"))).toBe(false);
  });

  it("keeps a question's every version: title, tags and body edits as revisions, the last as the post", async () => {
    const threadId = await targetOf(SITE, "thread", 144);
    const postId = await targetOf(SITE, "post", 144);
    const [thread] = await db().select().from(threads).where(eq(threads.id, threadId));
    const [post] = await db().select().from(posts).where(eq(posts.id, postId));
    expect(thread.title).toBe("Write an Elevator Pitch / Tagline");
    const revisions = await db()
      .select()
      .from(postRevisions)
      .where(eq(postRevisions.postId, postId))
      .orderBy(postRevisions.editedAt);
    // Eight versions at the source (edits grouped by RevisionGUID): seven replaced texts.
    expect(revisions).toHaveLength(7);
    expect(revisions[0].previousTitle).toBe("Write and Elevator Pitch / Tagline");
    expect(revisions[0].previousTags).toBe("discussion");
    expect(revisions.map((revision) => revision.previousTags)).toContain("discussion featured");
    expect(revisions[0].previousAuthoredAt).toEqual(new Date("2010-10-08T22:30:11.907Z"));
    expect(post.createdAt).toEqual(new Date("2010-10-08T22:30:11.907Z"));
    expect(post.editedAt).toEqual(revisions.at(-1)!.editedAt);
    // The body is the last Markdown of the history, rendered and sanitized by Hearth's renderer.
    expect(post.bodyMarkdown).not.toMatch(/\r/);
    expect(post.bodyHtml).toMatch(/<p>/);
    expect(post.bodyHtml).not.toMatch(/<script/i);
  });

  it("stores the source, licence and author's name on threads and posts, and scores as the source's vote counts", async () => {
    const [thread] = await db()
      .select()
      .from(threads)
      .where(eq(threads.id, await targetOf(SITE, "thread", 144)));
    expect(thread).toMatchObject({
      sourceSite: SITE,
      sourceId: 144,
      sourceUrl: `https://${SITE}/q/144`,
      sourceLicence: "CC BY-SA 2.5",
      score: 5,
    });
    const [answer] = await db()
      .select()
      .from(posts)
      .where(eq(posts.id, await targetOf(SITE, "post", 122)));
    expect(answer).toMatchObject({ kind: "answer", sourceUrl: `https://${SITE}/a/122`, sourceLicence: "CC BY-SA 2.5" });
    const [question] = await db()
      .select()
      .from(posts)
      .where(eq(posts.id, await targetOf(SITE, "post", 144)));
    expect(question).toMatchObject({ importedUpVotes: 5, importedDownVotes: 0, score: 5 });
    expect(question.sourceAuthorName).toBeTruthy();
  });

  it("marks the asker's accepted answer as Hearth's accepted solution, and the thread solved", async () => {
    const threadId = await targetOf(SITE, "thread", 121);
    const [solution] = await db().select().from(solutions).where(eq(solutions.threadId, threadId));
    expect(solution).toMatchObject({ kind: "accepted", postId: await targetOf(SITE, "post", 122) });
    const [thread] = await db().select().from(threads).where(eq(threads.id, threadId));
    expect(thread.status).toBe("solved");
    expect(solution.markedById).toBe(thread.authorId);
  });

  it("closes duplicates onto their original (the end of a chain), and keeps other closings with their reason", async () => {
    const [duplicate] = await db()
      .select()
      .from(threads)
      .where(eq(threads.id, await targetOf(SITE, "thread", 1)));
    expect(duplicate).toMatchObject({ status: "closed", duplicateOfId: await targetOf(SITE, "thread", 144) });
    const [chained] = await db()
      .select()
      .from(threads)
      .where(eq(threads.id, await targetOf(SITE, "thread", 557)));
    expect(chained.duplicateOfId).toBe(await targetOf(SITE, "thread", 968));
    const [closed] = await db()
      .select()
      .from(threads)
      .where(eq(threads.id, await targetOf(SITE, "thread", 479)));
    expect(closed).toMatchObject({ status: "closed", duplicateOfId: null });
    expect(closed.closedReason).toBe(`Too localized (closed on ${SITE})`);
  });

  it("keeps comments under their post, with author and licence", async () => {
    const postId = await targetOf(SITE, "post", 1);
    const comments = await db().select().from(postComments).where(eq(postComments.postId, postId));
    expect(comments.length).toBeGreaterThan(0);
    expect(comments.every((comment) => comment.sourceLicence?.startsWith("CC BY-SA"))).toBe(true);
    expect(comments.every((comment) => comment.bodyHtml.length > 0)).toBe(true);
  });

  it("gives posts of users the dump no longer has to the one deleted user, keeping the name they had", async () => {
    const deletedUserId = await targetOf(SITE, "user", 0);
    const [question] = await db()
      .select()
      .from(posts)
      .where(eq(posts.id, await targetOf(SITE, "post", 121)));
    expect(question.authorId).toBe(deletedUserId);
    expect(question.sourceAuthorName).toBe("user313");
  });

  it("holds each person's source reputation in one imported event, and puts every thread in the search index", async () => {
    const userId = await targetOf(SITE, "user", 5);
    const events = await db().select().from(reputationEvents).where(eq(reputationEvents.userId, userId));
    expect(events).toHaveLength(1);
    expect(events[0].reason).toBe("imported");
    const [user] = await db().select().from(users).where(eq(users.id, userId));
    expect(user.reputation).toBe(events[0].points);
    const threadIds = (await db().select({ id: threads.id }).from(threads).where(eq(threads.sourceSite, SITE))).map(
      (row) => row.id,
    );
    expect((await indexedThreadIds(threadIds)).sort()).toEqual([...threadIds].sort());
  });

  it("changes nothing when run again, and keeps Hearth votes cast since in the score", async () => {
    const before = await siteCounts(SITE);
    const voter = await makeUser("member");
    const postId = await targetOf(SITE, "post", 144);
    await castVote(voter, postId, { value: "1" });
    const again = await importStackExchange({ folder: SLICE, site: SITE });
    expect(await siteCounts(SITE)).toEqual(before);
    for (const [, tally] of again.counts) expect(tally).toMatchObject({ imported: 0, updated: 0 });
    const [post] = await db().select().from(posts).where(eq(posts.id, postId));
    expect(post.score).toBe(6);
  });
});

describe("importing again after the source changed", () => {
  const site = "changed.example.com";

  it("updates the post whose text changed, in place, inserts nothing, and leaves Hearth's moderation alone", async () => {
    await importStackExchange({ folder: SLICE, site });
    const before = await siteCounts(site);
    const answerId = await targetOf(site, "post", 122);
    // Staff hid the answer in Hearth since the first import.
    await write((tx) => tx.update(posts).set({ moderationState: "hidden" }).where(eq(posts.id, answerId)));
    const changed = sliceCopy("changed", (folder) => {
      // The last body edit of answer 122 says something else now.
      const file = path.join(folder, "PostHistory.xml");
      const lines = fs.readFileSync(file, "utf8").split("\n");
      const last = Math.max(
        ...lines.flatMap((line, i) => (/PostHistoryTypeId="[25]" PostId="122"/.test(line) ? [i] : [])),
      );
      lines[last] = lines[last].replace(/Text="[^"]*"/, 'Text="A corrected answer, edited at the source."');
      fs.writeFileSync(file, lines.join("\n"));
    });
    const summary = await importStackExchange({ folder: changed, site });
    expect(tallyOf(summary, "answers")).toMatchObject({ imported: 0, updated: 1 });
    expect(await siteCounts(site)).toEqual(before);
    const [post] = await db()
      .select()
      .from(posts)
      .where(eq(posts.id, await targetOf(site, "post", 122)));
    expect(post.bodyMarkdown).toBe("A corrected answer, edited at the source.");
    expect(post.bodyHtml).toContain("A corrected answer");
    expect(post.moderationState).toBe("hidden");
  });
});

describe("bad input and interrupted runs", () => {
  it("stops at a truncated file with its name and line, keeps what committed, and the next run resumes", async () => {
    const site = "truncated.example.com";
    const truncated = sliceCopy("truncated", (folder) => {
      const file = path.join(folder, "Comments.xml");
      const text = fs.readFileSync(file, "utf8");
      fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    });
    const lineCount = fs.readFileSync(path.join(truncated, "Comments.xml"), "utf8").split("\n").length;
    const failure = await importStackExchange({ folder: truncated, site }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImportFileError);
    expect((failure as Error).message).toMatch(new RegExp(`^Comments\\.xml:${lineCount}: `));
    // Users, posts and the comments read before the broken line committed.
    const committed = await siteCounts(site);
    expect(committed.threads).toBe(40);
    expect(committed.comments).toBeGreaterThan(0);
    expect(committed.comments).toBeLessThan(274);
    const resumed = await importStackExchange({ folder: SLICE, site });
    expect(resumed.resumed).toBe(true);
    // The files done before were not written again; the comments went on from their checkpoint.
    expect(tallyOf(resumed, "questions")).toBeUndefined();
    expect(tallyOf(resumed, "comments")).toMatchObject({ imported: 274 - committed.comments, updated: 0 });
    expect(await siteCounts(site)).toEqual(await siteCounts(SITE));
  });

  it("reports a malformed row's line", async () => {
    const broken = sliceCopy("malformed", (folder) => {
      const file = path.join(folder, "Tags.xml");
      const lines = fs.readFileSync(file, "utf8").split("\n");
      lines[4] = lines[4].replace("<row ", "<row Broken ");
      fs.writeFileSync(file, lines.join("\n"));
    });
    await expect(importStackExchange({ folder: broken, site: "malformed.example.com" })).rejects.toThrow(
      /^Tags\.xml:5: /,
    );
  });

  it("resumes an interrupted run from its checkpoints and ends as a whole run does", async () => {
    const site = "interrupted.example.com";
    await expect(importStackExchange({ folder: SLICE, site, stopAfterBatches: 2 })).rejects.toBeInstanceOf(
      ImportInterrupted,
    );
    const partial = await siteCounts(site);
    expect(partial.users).toBeGreaterThan(0);
    expect(partial.threads).toBe(0);
    const resumed = await importStackExchange({ folder: SLICE, site });
    expect(resumed.resumed).toBe(true);
    expect(await siteCounts(site)).toEqual(await siteCounts(SITE));
  });

  it("skips and counts unknown elements and attributes", async () => {
    const odd = sliceCopy("unknown", (folder) => {
      const file = path.join(folder, "Users.xml");
      const lines = fs.readFileSync(file, "utf8").split("\n");
      lines[2] = lines[2].replace("<row ", '<row Mood="cheerful" ');
      lines.splice(3, 0, '  <extra Note="not a row" />');
      fs.writeFileSync(file, lines.join("\n"));
    });
    const summary = await importStackExchange({ folder: odd, site: "unknown.example.com" });
    expect(Object.fromEntries(summary.unknown.get("Users.xml")!)).toEqual({
      "attribute Mood": 1,
      "element <extra>": 1,
    });
    expect(tallyOf(summary, "users")?.imported).toBe(83);
  });

  it("keeps a post's and a comment's text the renderer refuses as plain text, and counts each", async () => {
    const site = "too-deep.example.com";
    const tooDeep = `${"&gt;".repeat(25)} deep`;
    const folder = sliceCopy("too-deep", (copy) => {
      const history = path.join(copy, "PostHistory.xml");
      const lines = fs.readFileSync(history, "utf8").split("\n");
      const last = Math.max(
        ...lines.flatMap((line, i) => (/PostHistoryTypeId="[25]" PostId="122"/.test(line) ? [i] : [])),
      );
      lines[last] = lines[last].replace(/Text="[^"]*"/, `Text="${tooDeep}"`);
      fs.writeFileSync(history, lines.join("\n"));
      const comments = path.join(copy, "Comments.xml");
      fs.writeFileSync(
        comments,
        fs.readFileSync(comments, "utf8").replace(/(<row Id="1" [^>]*?)Text="[^"]*"/, `$1Text="${tooDeep}"`),
      );
    });
    const summary = await importStackExchange({ folder, site });
    expect(summary.skipReasons.get("Posts.xml: Markdown the renderer refuses, kept as plain text")).toBe(1);
    expect(summary.skipReasons.get("Comments.xml: Markdown the renderer refuses, kept as plain text")).toBe(1);
    const plain = `<p>${"&gt;".repeat(25)} deep</p>`;
    const [post] = await db()
      .select()
      .from(posts)
      .where(eq(posts.id, await targetOf(site, "post", 122)));
    expect(post.bodyHtml.trim()).toBe(plain);
    const [comment] = await db()
      .select({ html: postComments.bodyHtml })
      .from(postComments)
      .innerJoin(importRecords, eq(importRecords.targetId, postComments.id))
      .where(and(eq(importRecords.site, site), eq(importRecords.kind, "comment"), eq(importRecords.sourceId, 1)));
    expect(comment.html.trim()).toBe(plain);
    expect(tallyOf(summary, "comments")).toMatchObject({ imported: 274 });
  });

  it("converts HTML bodies to Markdown when the dump has no PostHistory.xml, and says so", async () => {
    const site = "no-history.example.com";
    const folder = sliceCopy("no-history", (copy) => fs.rmSync(path.join(copy, "PostHistory.xml")));
    const summary = await importStackExchange({ folder, site });
    expect(summary.notes.join(" ")).toMatch(/No PostHistory\.xml: bodies were converted from the HTML/);
    expect(await siteCounts(site)).toMatchObject({ threads: 40, posts: 188, revisions: 0 });
    const [post] = await db()
      .select()
      .from(posts)
      .where(eq(posts.id, await targetOf(site, "post", 122)));
    expect(post.bodyMarkdown).not.toMatch(/<p>/);
    expect(post.bodyHtml).toMatch(/<p>/);
  });
});

describe("claiming an imported account", () => {
  const mail = mailReader();

  it("works by a reset link to the address --emails gave, never by a password", async () => {
    const site = "claims.example.com";
    const csv = path.join(work, "emails.csv");
    fs.writeFileSync(csv, "UserId,email\n5,Robert.Claims@Example.test\n");
    await importStackExchange({ folder: SLICE, site, emails: csv });
    const userId = await targetOf(site, "user", 5);
    const [user] = await db().select().from(users).where(eq(users.id, userId));
    expect(user.email).toBe("robert.claims@example.test");
    const other = await targetOf(site, "user", 8);
    expect((await db().select().from(users).where(eq(users.id, other)))[0].email).toBe(placeholderEmail(site, 8));

    await resetAllLimits();
    for (const password of ["", "password", "hearth-demo-2026", user.passwordHash]) {
      await expect(signIn({ email: user.email, password }, { address: "192.0.2.7" })).rejects.toThrow();
    }
    await requestPasswordReset(VISITOR, { email: user.email }, "192.0.2.7");
    const token = /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(await mail.next(user.email))![1];
    await resetPassword({ token, newPassword: "my own bicycle bell" });
    await resetAllLimits();
    await expect(
      signIn({ email: user.email, password: "my own bicycle bell" }, { address: "192.0.2.7" }),
    ).resolves.toEqual({
      userId,
    });
  });
});
