/**
 * Posts.xml, with each post's PostHistory and vote counts from the scratch file: a source question
 * becomes a thread and its question post, an answer a post in its question's thread; every version
 * the history holds before the last becomes a revision (revisions.server.ts), titles and tags
 * included. Scores are the source's vote counts (imported_up_votes/imported_down_votes: voters are
 * anonymous in dumps), plus any Hearth votes cast since; a thread's views likewise, the source's in
 * imported_view_count. A post whose source rows hash as before is left alone; one whose rows changed
 * is rewritten in place, except what people changed in Hearth since (DECISIONS.md #89): a post
 * edited in Hearth keeps its text (a question its title too), a thread keeps the closing,
 * lock and tags staff set in Hearth, its latest activity, and the acceptance its asker decided in
 * Hearth (kept by finishing.server.ts, counted here).
 */
import { eq, inArray, sql } from "drizzle-orm";
import TurndownService from "turndown";
import { posts, threadTags, threads } from "../../../../db/schema";
import type { Db } from "~/lib/db.server";
import { slugify } from "~/models/community/post-input";
import { importFile, keptFromHearth, skip, tally, type ImportContext } from "./context.server";
import { hearthStateOf, type KeptInHearth } from "./hearth-changes.server";
import { readHistory, type PostHistoryState } from "./history";
import { contentHash, recordedRows, saveRecords, statementPieces } from "./records.server";
import { writeRevisions } from "./revisions.server";
import { renderSourceMarkdown } from "./source-markdown.server";
import {
  closeReasonLabel,
  normalisedText,
  POST_TYPES,
  sourceDate,
  sourceInt,
  sourcePostUrl,
  sourceTags,
} from "./source-values";
import { tagIdsOf } from "./tags.server";
import { accountsOf } from "./users.server";
import type { SourceRow } from "./xml-rows.server";

const KNOWN = new Set([
  "Id",
  "PostTypeId",
  "AcceptedAnswerId",
  "ParentId",
  "CreationDate",
  "DeletionDate",
  "Score",
  "ViewCount",
  "Body",
  "OwnerUserId",
  "OwnerDisplayName",
  "LastEditorUserId",
  "LastEditorDisplayName",
  "LastEditDate",
  "LastActivityDate",
  "Title",
  "Tags",
  "AnswerCount",
  "CommentCount",
  "FavoriteCount",
  "ClosedDate",
  "CommunityOwnedDate",
  "ContentLicense",
]);

const BATCH = 500;

let turndown: TurndownService | null = null;
/** Markdown from a post's HTML, for dumps without PostHistory.xml (the summary says so). */
export function htmlToMarkdown(html: string) {
  turndown ??= new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-" });
  return turndown.turndown(html);
}

type SourcePost = {
  sourceId: number;
  kind: "question" | "answer";
  parentId: number | null;
  ownerId: number | null;
  ownerName: string | null;
  createdAt: Date;
  lastActivityAt: Date;
  viewCount: number;
  licence: string | null;
  history: PostHistoryState;
  up: number;
  down: number;
  hash: string;
};

/** What the source rows say a post is now: versions, closing and locking from the history (or from Posts.xml alone). */
function sourcePost(
  ctx: ImportContext,
  row: SourceRow,
  historyRows: ReturnType<typeof ctx.scratch.historyOf>,
  votes: ReturnType<typeof ctx.scratch.votesOf>,
): SourcePost | null {
  const a = row.attributes;
  const sourceId = sourceInt(a.Id)!;
  const type = sourceInt(a.PostTypeId);
  if (type !== POST_TYPES.question && type !== POST_TYPES.answer) {
    const what = type === 4 || type === 5 ? "tag wiki (PostTypeId 4/5)" : `PostTypeId ${a.PostTypeId ?? "missing"}`;
    skip(ctx, "other posts", `Posts.xml: ${what}`);
    return null;
  }
  const createdAt = sourceDate(a.CreationDate) ?? ctx.at;
  const rows = historyRows.get(sourceId) ?? [];
  const hasBody = rows.some((h) => h.type === 2 || h.type === 5 || h.type === 8);
  const initial = {
    title: normalisedText(a.Title ?? ""),
    // The HTML body is converted only when no Markdown of it is known.
    body: hasBody ? "" : htmlToMarkdown(a.Body ?? ""),
    tags: sourceTags(a.Tags),
    userId: sourceInt(a.OwnerUserId),
    userName: a.OwnerDisplayName ?? null,
    at: createdAt,
  };
  const history = readHistory(rows, initial);
  if (history.versions.length === 0) history.versions.push({ sourceId: 0, ...initial });
  if (rows.length === 0 && a.ClosedDate) {
    history.closed = { at: sourceDate(a.ClosedDate) ?? createdAt, reasonId: null, originalIds: [] };
  }
  const counts = votes.get(sourceId);
  return {
    sourceId,
    kind: type === POST_TYPES.question ? "question" : "answer",
    parentId: sourceInt(a.ParentId),
    ownerId: sourceInt(a.OwnerUserId),
    ownerName: a.OwnerDisplayName ?? null,
    createdAt,
    lastActivityAt: sourceDate(a.LastActivityDate) ?? createdAt,
    viewCount: sourceInt(a.ViewCount) ?? 0,
    licence: a.ContentLicense ?? null,
    history,
    up: counts?.up ?? 0,
    down: counts?.down ?? 0,
    hash: contentHash([
      a,
      rows.map((h) => [h.id, h.type, h.userId, h.at, h.text, h.comment]),
      counts?.up ?? 0,
      counts?.down ?? 0,
    ]),
  };
}

const finalVersion = (post: SourcePost) => post.history.versions.at(-1)!;

async function writePosts(ctx: ImportContext, db: Db, rows: SourceRow[]) {
  const ids = rows.map((row) => sourceInt(row.attributes.Id)).filter((id): id is number => id !== null);
  const historyRows = ctx.scratch.historyOf(ids);
  const votes = ctx.scratch.votesOf(ids);
  const source = rows.flatMap((row) => {
    if (sourceInt(row.attributes.Id) === null) {
      skip(ctx, "other posts", "Posts.xml: a row without a usable Id");
      return [];
    }
    const post = sourcePost(ctx, row, historyRows, votes);
    return post ? [post] : [];
  });
  const recordedPosts = await recordedRows(
    db,
    ctx.site,
    "post",
    source.map((post) => post.sourceId),
  );
  const changed = source.filter((post) => recordedPosts.get(post.sourceId)?.contentHash !== post.hash);
  for (const post of source) if (!changed.includes(post)) tally(ctx, `${post.kind}s`, "unchanged");
  if (changed.length === 0) return;

  const people = changed.flatMap((post) => [post.ownerId, ...post.history.versions.map((version) => version.userId)]);
  const accountOf = await accountsOf(ctx, db, people);
  const names = ctx.scratch.userNamesOf(people.filter((id): id is number => id !== null));
  const authorName = (post: SourcePost) =>
    (post.ownerId !== null ? names.get(post.ownerId) : undefined) ?? post.ownerName;
  const questions = changed.filter((post) => post.kind === "question");
  const threadOf = new Map<number, number>(
    [
      ...(await recordedRows(db, ctx.site, "thread", [
        ...questions.map((q) => q.sourceId),
        ...changed.map((post) => post.parentId ?? 0),
      ])),
    ].map(([sourceId, record]) => [sourceId, record.targetId]),
  );
  const newQuestions = questions.filter((question) => !threadOf.has(question.sourceId));
  const knownQuestions = questions.filter((question) => threadOf.has(question.sourceId));
  const postIdBefore = (post: SourcePost) => recordedPosts.get(post.sourceId)?.targetId;
  // What people changed in Hearth since the import, which the source's changes do not undo.
  const hearth = await hearthStateOf(
    db,
    ctx.site,
    changed.flatMap((post) => postIdBefore(post) ?? []),
    knownQuestions.map((question) => threadOf.get(question.sourceId)!),
  );
  const keptOf = (question: SourcePost) => hearth.keptOf(postIdBefore(question), threadOf.get(question.sourceId)!);
  const sourceTagged = [...newQuestions, ...knownQuestions.filter((question) => !keptOf(question).tags)];
  const tagIds = await tagIdsOf(
    ctx,
    db,
    sourceTagged.flatMap((question) => finalVersion(question).tags),
  );

  // Questions first: this batch's answers may belong to them.
  if (newQuestions.length > 0) {
    for (const piece of statementPieces(newQuestions)) {
      const made = await db
        .insert(threads)
        .values(
          piece.map((question) => ({
            ...threadValues(ctx, question, accountOf),
            // Where a thread lives and who may see it are Hearth's to change once it is in.
            categoryId: ctx.categoryId,
            visibility: "visible" as const,
            createdAt: question.createdAt,
            score: question.up - question.down,
            viewCount: question.viewCount,
          })),
        )
        .returning({ id: threads.id, sourceId: threads.sourceId });
      for (const thread of made) threadOf.set(thread.sourceId!, thread.id);
    }
    await saveRecords(
      db,
      ctx.site,
      "thread",
      newQuestions.map((question) => ({
        sourceId: question.sourceId,
        targetId: threadOf.get(question.sourceId)!,
        contentHash: "",
      })),
      ctx.at,
    );
  }
  for (const question of knownQuestions) {
    const threadId = threadOf.get(question.sourceId)!;
    const kept = keptOf(question);
    if (kept.closing) keptFromHearth(ctx, "threads closed or reopened in Hearth");
    if (kept.locking) keptFromHearth(ctx, "threads locked or unlocked in Hearth");
    if (kept.tags) keptFromHearth(ctx, "threads retagged in Hearth");
    if (kept.acceptance) keptFromHearth(ctx, "acceptances decided in Hearth");
    await db
      .update(threads)
      .set({
        ...withoutKept(threadValues(ctx, question, accountOf), kept),
        lastActivityAt: hearth.latestActivity(threadId, question.lastActivityAt),
        // Views counted in Hearth since stay on top of the source's new count.
        viewCount: sql`${threads.viewCount} - ${threads.importedViewCount} + ${question.viewCount}`,
      })
      .where(eq(threads.id, threadId));
  }

  const placed = changed.filter((post) => {
    const threadId = threadOf.get(post.kind === "question" ? post.sourceId : (post.parentId ?? 0));
    if (threadId === undefined) skip(ctx, "answers", "Posts.xml: an answer whose question is not in the dump");
    return threadId !== undefined;
  });
  const threadIdOf = (post: SourcePost) => threadOf.get(post.kind === "question" ? post.sourceId : post.parentId!)!;
  const postValues = (post: SourcePost) => ({
    threadId: threadIdOf(post),
    authorId: accountOf(post.ownerId),
    kind: post.kind,
    createdAt: post.history.versions[0].at,
    importedUpVotes: post.up,
    importedDownVotes: post.down,
    sourceSite: ctx.site,
    sourceId: post.sourceId,
    sourceUrl: sourcePostUrl(ctx.site, post.sourceId, post.kind),
    sourceLicence: post.licence,
    sourceAuthorName: authorName(post),
  });
  /** The text: the source's last version, unless the post was edited in Hearth since. */
  const textValues = (post: SourcePost) => {
    const last = finalVersion(post);
    return {
      bodyMarkdown: last.body,
      bodyHtml: renderSourceMarkdown(ctx, "Posts.xml", last.body),
      editedAt: post.history.versions.length > 1 ? last.at : null,
    };
  };
  const fresh = placed.filter((post) => !recordedPosts.has(post.sourceId));
  const postIdOf = new Map<number, number>();
  if (fresh.length > 0) {
    for (const piece of statementPieces(fresh)) {
      const made = await db
        .insert(posts)
        .values(
          piece.map((post) => ({
            ...postValues(post),
            ...textValues(post),
            moderationState: "visible" as const,
            score: post.up - post.down,
          })),
        )
        .returning({ id: posts.id, sourceId: posts.sourceId });
      for (const post of made) postIdOf.set(post.sourceId!, post.id);
    }
  }
  const updated = placed.filter((post) => recordedPosts.has(post.sourceId));
  for (const post of updated) {
    const postId = recordedPosts.get(post.sourceId)!.targetId;
    postIdOf.set(post.sourceId, postId);
    const edited = hearth.editedInHearth(postId);
    if (edited) keptFromHearth(ctx, `${post.kind}s edited in Hearth`);
    // Hearth votes cast since the import stay in the score.
    await db
      .update(posts)
      .set({
        ...postValues(post),
        ...(edited ? {} : textValues(post)),
        score: sql`${post.up - post.down} + COALESCE((SELECT SUM(value) FROM votes WHERE votes.post_id = ${postId}), 0)`,
      })
      .where(eq(posts.id, postId));
  }
  // A thread's score mirrors its question's (new threads were inserted with it).
  for (const question of updated.filter((post) => post.kind === "question")) {
    await db
      .update(threads)
      .set({ score: sql`(SELECT score FROM posts WHERE posts.id = ${postIdOf.get(question.sourceId)!})` })
      .where(eq(threads.id, threadIdOf(question)));
  }
  await writeRevisions(
    ctx,
    db,
    placed.map((post) => {
      const postId = postIdOf.get(post.sourceId)!;
      return { postId, kind: post.kind, versions: post.history.versions, stored: hearth.revisionsOf(postId) };
    }),
    accountOf,
  );
  await replaceThreadTags(db, sourceTagged, threadOf, tagIds, newQuestions);
  await saveRecords(
    db,
    ctx.site,
    "post",
    placed.map((post) => ({ sourceId: post.sourceId, targetId: postIdOf.get(post.sourceId)!, contentHash: post.hash })),
    ctx.at,
  );
  for (const post of placed) ctx.touchedThreads.add(threadIdOf(post));
  for (const post of fresh) tally(ctx, `${post.kind}s`, "imported");
  for (const post of updated) tally(ctx, `${post.kind}s`, "updated");
}

function threadValues(ctx: ImportContext, question: SourcePost, accountOf: (id: number | null) => number) {
  const last = finalVersion(question);
  const { closed } = question.history;
  return {
    title: last.title,
    slug: slugify(last.title),
    authorId: accountOf(question.ownerId),
    // Open, answered or solved is settled once the answers and acceptances are in (finishing.server.ts).
    status: closed ? ("closed" as const) : ("open" as const),
    importedViewCount: question.viewCount,
    lastActivityAt: question.lastActivityAt,
    lockedAt: question.history.lockedAt,
    closedReason: closed ? closeReasonLabel(closed.reasonId, ctx.site) : null,
    ...(closed ? {} : { duplicateOfId: null }),
    sourceSite: ctx.site,
    sourceId: question.sourceId,
    sourceUrl: sourcePostUrl(ctx.site, question.sourceId, "question"),
    sourceLicence: question.licence,
  };
}

/** A thread's source values less those Hearth keeps: the title (and address) after an edit, the closing, the lock. */
function withoutKept(values: ReturnType<typeof threadValues>, kept: KeptInHearth) {
  const { title, slug, status, closedReason, duplicateOfId, lockedAt, ...fromSource } = values;
  return {
    ...fromSource,
    ...(kept.text ? {} : { title, slug }),
    ...(kept.closing ? {} : { status, closedReason, duplicateOfId }),
    ...(kept.locking ? {} : { lockedAt }),
  };
}

/** The tags of `questions` as their source's last version has them. */
async function replaceThreadTags(
  db: Db,
  questions: SourcePost[],
  threadOf: Map<number, number>,
  tagIds: Map<string, number>,
  newQuestions: SourcePost[],
) {
  const rewritten = questions
    .filter((question) => !newQuestions.includes(question))
    .map((question) => threadOf.get(question.sourceId)!);
  if (rewritten.length > 0) await db.delete(threadTags).where(inArray(threadTags.threadId, rewritten));
  const rows = questions.flatMap((question) =>
    finalVersion(question).tags.map((name) => ({
      threadId: threadOf.get(question.sourceId)!,
      tagId: tagIds.get(name)!,
    })),
  );
  for (const piece of statementPieces(rows)) {
    await db.insert(threadTags).values(piece).onConflictDoNothing();
  }
}

export async function importPosts(ctx: ImportContext) {
  return importFile(ctx, "Posts.xml", {
    known: KNOWN,
    batchSize: BATCH,
    collect: (rows) => {
      for (const { attributes: a } of rows) {
        const questionId = sourceInt(a.Id);
        const answerId = sourceInt(a.AcceptedAnswerId);
        if (sourceInt(a.PostTypeId) === POST_TYPES.question && questionId !== null && answerId !== null) {
          ctx.scratch.addAccepted(questionId, answerId);
        }
      }
    },
    write: (db, rows) => writePosts(ctx, db, rows),
  });
}
