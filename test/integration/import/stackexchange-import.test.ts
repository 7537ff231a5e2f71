// The Stack Exchange import end to end on the committed slice (test/fixtures/se-slice), on the
// engine of the run: what it makes, that a second run changes nothing, that a run stopped by a bad
// file or an interruption resumes, and that imported accounts are claimed by reset link only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  categories,
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
import { VISITOR, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { signIn } from "~/models/accounts/users.server";
import { requestPasswordReset, resetPassword } from "~/models/accounts/password-reset.server";
import { editPost, getPostHistory, postAnswer, redactRevision } from "~/models/community/posts.server";
import { markSolution, unmarkSolution } from "~/models/community/solutions.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { flushThreadViews, recordThreadView } from "~/models/community/thread-views.server";
import { listThreads } from "~/models/community/threads.server";
import { tagsByThread } from "~/models/community/tags.server";
import { castVote } from "~/models/community/votes.server";
import {
  ImportFileError,
  ImportInterrupted,
  importStackExchange,
  summaryLines,
  type ImportSummary,
} from "~/models/import/stackexchange/import.server";
import { placeholderEmail } from "~/models/import/stackexchange/users.server";
import { moderateThread } from "~/models/moderation/threads.server";
import { removeComment } from "~/models/moderation/comments.server";
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

/** Rewrites the text of a post's last history row of `types` (body "[25]", title "[14]") in a slice copy. */
function changeLastHistoryText(folder: string, postId: number, types: string, text: string) {
  const file = path.join(folder, "PostHistory.xml");
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const pattern = new RegExp(`PostHistoryTypeId="${types}" PostId="${postId}"`);
  const last = Math.max(...lines.flatMap((line, i) => (pattern.test(line) ? [i] : [])));
  lines[last] = lines[last].replace(/Text="[^"]*"/, `Text="${text}"`);
  fs.writeFileSync(file, lines.join("\n"));
}

/** Sets attribute `name` of post `postId`'s row in a slice copy's Posts.xml. */
function changePostAttribute(folder: string, postId: number, name: string, value: string) {
  const file = path.join(folder, "Posts.xml");
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const row = lines.findIndex((line) => line.includes(`<row Id="${postId}" `));
  expect(lines[row]).toMatch(new RegExp(` ${name}="[^"]*"`));
  lines[row] = lines[row].replace(new RegExp(` ${name}="[^"]*"`), ` ${name}="${value}"`);
  fs.writeFileSync(file, lines.join("\n"));
}

/** Adds rows at the end of a slice copy's file (`<row … />` lines). */
function appendRows(folder: string, file: string, rows: string[]) {
  const target = path.join(folder, file);
  const text = fs.readFileSync(target, "utf8");
  const end = text.lastIndexOf("</");
  fs.writeFileSync(target, text.slice(0, end) + rows.map((row) => `  ${row}\n`).join("") + text.slice(end));
}

const db = () => scriptDb();
const tallyOf = (summary: ImportSummary, kind: string) => summary.counts.get(kind);

/** Source id → Hearth id of one kind on one site. */
async function targetOf(site: string, kind: "thread" | "post" | "user" | "comment", sourceId: number) {
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
    // The last body edit of answer 122 says something else now.
    const changed = sliceCopy("changed", (folder) =>
      changeLastHistoryText(folder, 122, "[25]", "A corrected answer, edited at the source."),
    );
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

describe("importing again: what people changed in Hearth wins", () => {
  const revisionsOf = (postId: number) =>
    db()
      .select()
      .from(postRevisions)
      .where(eq(postRevisions.postId, postId))
      .orderBy(postRevisions.editedAt, postRevisions.id);
  const postRow = async (postId: number) => (await db().select().from(posts).where(eq(posts.id, postId)))[0];
  const threadRow = async (threadId: number) => (await db().select().from(threads).where(eq(threads.id, threadId)))[0];
  const tagsOf = async (threadId: number) => (await tagsByThread([threadId])).get(threadId) ?? [];

  it("keeps the text and title of posts edited in Hearth, with their Hearth revisions, counts them, and still updates the others", async () => {
    const site = "edited-in-hearth.example.com";
    await importStackExchange({ folder: SLICE, site });
    const staff = await makeUser("staff");
    const answerId = await targetOf(site, "post", 122);
    const questionId = await targetOf(site, "post", 144);
    const threadId = await targetOf(site, "thread", 144);
    const imported = await postRow(answerId);
    await resetAllLimits();
    await editPost(staff, answerId, { body: "Hearth's own wording of the answer." });
    await editPost(staff, questionId, {
      body: "Hearth's own wording of the question.",
      title: "An elevator pitch, as Hearth put it",
    });
    const edited = await threadRow(threadId);
    const changed = sliceCopy("edited-in-hearth", (folder) => {
      changeLastHistoryText(folder, 122, "[25]", "The source's later wording of the answer.");
      changeLastHistoryText(folder, 144, "[25]", "The source's later wording of the question.");
      changeLastHistoryText(folder, 144, "[14]", "A title changed at the source");
      changeLastHistoryText(folder, 144, "[36]", "&lt;bug&gt;");
      changeLastHistoryText(folder, 146, "[25]", "Answer 146, edited at the source.");
      // One more up vote at the source for the answer edited in Hearth.
      appendRows(folder, "Votes.xml", [
        '<row Id="99001" PostId="122" VoteTypeId="2" CreationDate="2024-01-01T00:00:00.000" />',
      ]);
    });
    const summary = await importStackExchange({ folder: changed, site });
    expect(Object.fromEntries(summary.keptFromHearth)).toEqual({
      "questions edited in Hearth": 1,
      "answers edited in Hearth": 1,
    });
    expect(summaryLines({ ...summary, seconds: 1 })).toEqual(
      expect.arrayContaining(["Changed at the source, kept as changed in Hearth:", "  1 × answers edited in Hearth"]),
    );
    expect(tallyOf(summary, "answers")).toMatchObject({ imported: 0, updated: 2 });

    const answer = await postRow(answerId);
    expect(answer.bodyMarkdown).toBe("Hearth's own wording of the answer.");
    expect(answer.bodyHtml).toContain("Hearth's own wording");
    // What only the source knows still follows it.
    expect(answer.importedUpVotes).toBe(imported.importedUpVotes + 1);
    const hearthRevision = (await revisionsOf(answerId)).find((revision) => revision.editorId === staff.id);
    expect(hearthRevision?.previousBodyMarkdown).toBe(imported.bodyMarkdown);

    expect((await postRow(questionId)).bodyMarkdown).toBe("Hearth's own wording of the question.");
    expect(await threadRow(threadId)).toMatchObject({
      title: "An elevator pitch, as Hearth put it",
      slug: edited.slug,
    });
    // Hearth's edit form has no tags: a retag at the source still arrives (a retag in Hearth would keep them).
    expect(await tagsOf(threadId)).toEqual(["bug"]);
    expect((await revisionsOf(questionId)).some((revision) => revision.editorId === staff.id)).toBe(true);

    expect((await postRow(await targetOf(site, "post", 146))).bodyMarkdown).toBe("Answer 146, edited at the source.");
  });

  it("keeps an imported revision's row and its redaction when the source appends a version to its post", async () => {
    const site = "redacted.example.com";
    await importStackExchange({ folder: SLICE, site });
    const staff = await makeUser("staff");
    const postId = await targetOf(site, "post", 144);
    const before = await revisionsOf(postId);
    const bodyBefore = (await postRow(postId)).bodyMarkdown;
    await resetAllLimits();
    await redactRevision(staff, postId, {
      intent: "redact",
      revisionId: String(before[0].id),
      reason: "A home address.",
    });
    const appended = sliceCopy("appended-version", (folder) =>
      appendRows(folder, "PostHistory.xml", [
        '<row Id="99001" PostHistoryTypeId="5" PostId="144" RevisionGUID="0b1c4a52-7d7e-4d51-9d0e-6f1f1e6a0001" CreationDate="2024-01-01T00:00:00.000" UserId="5" Comment="a newer version" Text="A newer version of the question, from the source." ContentLicense="CC BY-SA 4.0" />',
      ]),
    );
    const summary = await importStackExchange({ folder: appended, site });
    expect(tallyOf(summary, "revisions")).toMatchObject({ imported: 1, updated: 0, unchanged: before.length });

    const after = await revisionsOf(postId);
    expect(after.map((revision) => revision.id)).toEqual([...before.map((revision) => revision.id), after.at(-1)!.id]);
    expect(after[0]).toMatchObject({ redactedById: staff.id, redactionReason: "A home address." });
    expect(after.at(-1)!.previousBodyMarkdown).toBe(bodyBefore);
    expect((await postRow(postId)).bodyMarkdown).toBe("A newer version of the question, from the source.");
    // Everyone but staff still reads only that the version was removed.
    const history = await getPostHistory(await makeUser("member"), postId);
    const redacted = history.versions.find((version) => version.revisionId === before[0].id);
    expect(redacted).toMatchObject({ title: null, bodyMarkdown: null });
    expect(redacted?.redaction).not.toBeNull();
    // The audit entry of the redaction still names a revision that exists.
    const [entry] = await db()
      .select({ after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.action, "revision.redact"), eq(auditLog.subjectId, postId)));
    expect(entry.after).toMatchObject({ revision: before[0].id });
  });

  it("keeps a comment staff removed in Hearth removed when the source changes it, and counts it", async () => {
    const site = "comment-removed.example.com";
    await importStackExchange({ folder: SLICE, site });
    const staff = await makeUser("staff");
    const threadId = await targetOf(site, "thread", 144);
    const postId = await targetOf(site, "post", 144);
    const commentId = await targetOf(site, "comment", 276);
    await resetAllLimits();
    await removeComment(staff, threadId, { postId: String(postId), commentId: String(commentId), reason: "Off-topic" });
    const changed = sliceCopy("comment-changed", (folder) => {
      const file = path.join(folder, "Comments.xml");
      const lines = fs.readFileSync(file, "utf8").split("\n");
      const at = lines.findIndex((line) => line.includes('<row Id="276" '));
      lines[at] = lines[at].replace(/Score="0"/, 'Score="2"').replace(/Text="[^"]*"/, 'Text="Edited at the source."');
      fs.writeFileSync(file, lines.join("\n"));
    });
    const summary = await importStackExchange({ folder: changed, site });
    expect(tallyOf(summary, "comments")).toMatchObject({ imported: 0, updated: 1 });
    expect(Object.fromEntries(summary.keptFromHearth)).toEqual({ "comments removed in Hearth": 1 });

    const [comment] = await db().select().from(postComments).where(eq(postComments.id, commentId));
    // The source's text and score, Hearth's removal.
    expect(comment).toMatchObject({ bodyMarkdown: "Edited at the source.", score: 2 });
    expect(comment).toMatchObject({ removedById: staff.id, removalReason: "Off-topic" });
    expect(comment.removedAt).not.toBeNull();
    const seen = async (actor: Parameters<typeof getThreadPage>[0]) =>
      (await getThreadPage(actor, threadId)).question.comments?.shown.map((shown) => shown.id) ?? [];
    expect(await seen(VISITOR)).not.toContain(commentId);
    expect(await seen(staff)).toContain(commentId);
  });

  it("removes the revision of a version the source no longer has, and updates the next one in place", async () => {
    const site = "vanished-version.example.com";
    await importStackExchange({ folder: SLICE, site });
    const postId = await targetOf(site, "post", 144);
    const before = await revisionsOf(postId);
    // The source's 2017 edit of question 144 (history row 3913) is gone from the newer dump.
    const vanishedAt = new Date("2017-03-16T15:19:25.967Z");
    const vanished = before.findIndex((revision) => revision.editedAt.getTime() === vanishedAt.getTime());
    const [replaced, next] = [before[vanished], before[vanished + 1]];
    const folder = sliceCopy("vanished-version", (copy) => {
      const file = path.join(copy, "PostHistory.xml");
      fs.writeFileSync(
        file,
        fs
          .readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => !line.includes('<row Id="3913" '))
          .join("\n"),
      );
    });
    const summary = await importStackExchange({ folder, site });
    expect(tallyOf(summary, "revisions")).toMatchObject({
      imported: 0,
      updated: 1,
      removed: 1,
      unchanged: before.length - 2,
    });
    const after = await revisionsOf(postId);
    expect(after.map((revision) => revision.id)).toEqual(
      before.filter((revision) => revision !== replaced).map((revision) => revision.id),
    );
    // The edit after it now replaced the text the vanished edit had replaced.
    expect(after.find((revision) => revision.id === next.id)?.previousBodyMarkdown).toBe(replaced.previousBodyMarkdown);
  });

  it("keeps a thread's closing, reopening, lock and tags as staff set them in Hearth, and its activity since", async () => {
    const site = "moderated-in-hearth.example.com";
    await importStackExchange({ folder: SLICE, site });
    const staff = await makeUser("staff");
    const pitch = await targetOf(site, "thread", 144);
    const localized = await targetOf(site, "thread", 479);
    const duplicate = await targetOf(site, "thread", 1);
    await resetAllLimits();
    await postAnswer(staff, pitch, { body: "An answer written in Hearth." });
    await moderateThread(staff, pitch, { action: "lock" });
    await moderateThread(staff, pitch, { action: "retag", tags: "bug" });
    await moderateThread(staff, localized, { action: "reopen" });
    await moderateThread(staff, duplicate, { action: "close", reason: "Closed by Hearth's staff" });
    const pitchBefore = await threadRow(pitch);
    const changed = sliceCopy("moderated-in-hearth", (folder) => {
      for (const id of [144, 479, 1])
        changeLastHistoryText(folder, id, "[25]", `Question ${id}, edited at the source.`);
    });
    const summary = await importStackExchange({ folder: changed, site });
    expect(Object.fromEntries(summary.keptFromHearth)).toEqual({
      "threads closed or reopened in Hearth": 2,
      "threads locked or unlocked in Hearth": 1,
      "threads retagged in Hearth": 1,
    });

    expect((await postRow(await targetOf(site, "post", 144))).bodyMarkdown).toBe("Question 144, edited at the source.");
    expect(await threadRow(pitch)).toMatchObject({
      lockedAt: pitchBefore.lockedAt,
      lastActivityAt: pitchBefore.lastActivityAt,
    });
    expect(pitchBefore.lockedAt).not.toBeNull();
    expect(await tagsOf(pitch)).toEqual(["bug"]);
    expect(await threadRow(localized)).toMatchObject({ closedReason: null, duplicateOfId: null });
    expect((await threadRow(localized)).status).not.toBe("closed");
    expect(await threadRow(duplicate)).toMatchObject({
      status: "closed",
      closedReason: "Closed by Hearth's staff",
      duplicateOfId: null,
    });
  });
});

describe("importing again: the asker's acceptance and Hearth's views", () => {
  const acceptedOf = async (threadId: number) =>
    (
      await db()
        .select({ postId: solutions.postId, kind: solutions.kind, markedById: solutions.markedById })
        .from(solutions)
        .where(eq(solutions.threadId, threadId))
    ).sort((a, b) => a.kind.localeCompare(b.kind));
  /** The account an import made for a question's asker, signed in. */
  const askerOf = async (threadId: number): Promise<Member> => {
    const [asker] = await db()
      .select({
        id: users.id,
        username: users.username,
        role: users.role,
        suspendedUntil: users.suspendedUntil,
        trustLevel: users.trustLevel,
      })
      .from(threads)
      .innerJoin(users, eq(users.id, threads.authorId))
      .where(eq(threads.id, threadId));
    return { kind: "user", ...asker };
  };

  it("keeps the answer an asker accepted in Hearth and an acceptance withdrawn there, counts them, and follows the source elsewhere", async () => {
    const site = "accepted-in-hearth.example.com";
    await importStackExchange({ folder: SLICE, site });
    const [routes, touring, regional] = [
      await targetOf(site, "thread", 2),
      await targetOf(site, "thread", 7),
      await targetOf(site, "thread", 60),
    ];
    const post = (sourceId: number) => targetOf(site, "post", sourceId);
    expect(await acceptedOf(routes)).toEqual([expect.objectContaining({ kind: "accepted", postId: await post(4) })]);
    await resetAllLimits();
    // The asker of question 2 accepts answer 5 instead of 4.
    const routesAsker = await askerOf(routes);
    await markSolution(routesAsker, await post(5), "accepted");
    // Staff verify answer 64 of question 60: a solution of another kind, not the asker's decision.
    await markSolution(await makeUser("staff"), await post(64), "verified");
    // The asker of question 7 withdraws the acceptance of answer 10.
    await unmarkSolution(await askerOf(touring), await post(10), "accepted");

    const changed = sliceCopy("accepted-in-hearth", (folder) => {
      // The source now accepts answer 12 on question 2, and 61 on question 60 (untouched in Hearth).
      changePostAttribute(folder, 2, "AcceptedAnswerId", "12");
      changePostAttribute(folder, 60, "AcceptedAnswerId", "61");
      changeLastHistoryText(folder, 7, "[25]", "Question 7, edited at the source.");
    });
    const summary = await importStackExchange({ folder: changed, site });
    expect(Object.fromEntries(summary.keptFromHearth)).toEqual({ "acceptances decided in Hearth": 2 });
    expect(summaryLines({ ...summary, seconds: 1 })).toEqual(
      expect.arrayContaining([
        "Changed at the source, kept as changed in Hearth:",
        "  2 × acceptances decided in Hearth",
      ]),
    );

    expect(await acceptedOf(routes)).toEqual([{ kind: "accepted", postId: await post(5), markedById: routesAsker.id }]);
    expect(await acceptedOf(touring)).toEqual([]);
    expect((await db().select().from(threads).where(eq(threads.id, touring)))[0].status).toBe("answered");
    expect(
      (
        await db()
          .select()
          .from(posts)
          .where(eq(posts.id, await targetOf(site, "post", 7)))
      )[0].bodyMarkdown,
    ).toBe("Question 7, edited at the source.");
    expect(await acceptedOf(regional)).toEqual([
      expect.objectContaining({ kind: "accepted", postId: await post(61) }),
      expect.objectContaining({ kind: "verified", postId: await post(64) }),
    ]);
    expect(tallyOf(summary, "accepted answers")).toMatchObject({ imported: 0, updated: 1 });

    // Run again on the same dump: nothing changes, and the asker's decisions still stand.
    const again = await importStackExchange({ folder: changed, site });
    expect(tallyOf(again, "accepted answers")).toMatchObject({ imported: 0, updated: 0 });
    expect((await acceptedOf(routes))[0].postId).toBe(await post(5));
    expect(await acceptedOf(touring)).toEqual([]);
  });

  it("keeps the views counted in Hearth when the source's view count changes, and shows their sum", async () => {
    const site = "viewed-in-hearth.example.com";
    await importStackExchange({ folder: SLICE, site });
    const threadId = await targetOf(site, "thread", 144);
    const shownViews = async () => {
      const [{ category }] = await db()
        .select({ category: categories.slug })
        .from(threads)
        .innerJoin(categories, eq(categories.id, threads.categoryId))
        .where(eq(threads.id, threadId));
      const list = await listThreads(VISITOR, { filter: "all", sort: "top", page: 1, category }, 100);
      return {
        page: (await getThreadPage(VISITOR, threadId)).thread.viewCount,
        list: list.threads.find((thread) => thread.id === threadId)?.viewCount,
      };
    };
    expect(await shownViews()).toEqual({ page: 836, list: 836 });
    for (let view = 0; view < 3; view++) recordThreadView(threadId);
    expect(await flushThreadViews()).toBe(true);
    expect(await shownViews()).toEqual({ page: 839, list: 839 });

    const changed = sliceCopy("viewed-in-hearth", (folder) => changePostAttribute(folder, 144, "ViewCount", "900"));
    const summary = await importStackExchange({ folder: changed, site });
    expect(tallyOf(summary, "questions")).toMatchObject({ updated: 1 });
    expect(await shownViews()).toEqual({ page: 903, list: 903 });
    const [thread] = await db().select().from(threads).where(eq(threads.id, threadId));
    expect(thread).toMatchObject({ viewCount: 903, importedViewCount: 900 });
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
      changeLastHistoryText(copy, 122, "[25]", tooDeep);
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
