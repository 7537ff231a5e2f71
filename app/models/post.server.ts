/**
 * Posts: answering, editing (question or answer) and revision history.
 * Every edit keeps the text it replaces in post_revisions, with who replaced it and when; Markdown
 * is rendered once, when saved.
 */
import { desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { postRevisions, posts, solutions, threads, users } from "../../db/schema";
import { now } from "~/lib/clock.server";
import { getDb, writeTransaction } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { renderMarkdown } from "~/lib/markdown.server";
import { canAnswerThread, canEditPost, canSeeModeratedContent, canViewPostHistory, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { MAX_BODY_LENGTH } from "./community-rules";
import { recordReplyOnFollowUp } from "./follow-up-state.server";
import { recordAudit } from "./audit.server";
import { initialPostState, queueHeldPost } from "./moderation.server";
import { indexThread } from "./search.server";
import { bodySchema, refreshThreadStatus, titleSchema } from "./thread.server";

const answerSchema = z.object({ body: bodySchema });

export function postAnswer(actor: Actor, threadId: number, input: unknown) {
  ensureSignedIn(actor);
  const { body } = parseInput(answerSchema, input);
  const bodyHtml = renderMarkdown(body);
  const db = getDb();
  return writeTransaction(() => {
    const thread = db
      .select({ authorId: threads.authorId, status: threads.status, lockedAt: threads.lockedAt, moderationState: threads.visibility })
      .from(threads)
      .where(eq(threads.id, threadId))
      .get();
    if (!thread || !canSeeModeratedContent(actor, thread)) throw new NotFoundError("That question does not exist.");
    ensure(canAnswerThread(actor, thread), thread.lockedAt ? "This question is locked: it takes no new answers." : "This question is closed to new answers.");
    consume(`answer:user:${actor.id}`, LIMITS.answer);
    const at = now();
    const state = initialPostState(actor);
    const answer = db
      .insert(posts)
      .values({ threadId, authorId: actor.id, kind: "answer", bodyMarkdown: body, bodyHtml, createdAt: at, moderationState: state })
      .returning({ id: posts.id })
      .get();
    if (state === "held") {
      // Counted, and the thread marked active, when a moderator approves it.
      queueHeldPost({ id: answer.id, threadId, authorId: actor.id, bodyHtml }, at);
      return { postId: answer.id, held: true };
    }
    db.update(threads)
      .set({ answerCount: sql`${threads.answerCount} + 1`, lastActivityAt: at })
      .where(eq(threads.id, threadId))
      .run();
    refreshThreadStatus(threadId);
    recordReplyOnFollowUp(threadId, actor, at);
    return { postId: answer.id, held: false };
  });
}

/** The post with what an editor needs: its Markdown, and the title when it is a question. */
export function getPostForEdit(actor: Actor, postId: number) {
  const post = getDb()
    .select({
      id: posts.id,
      kind: posts.kind,
      authorId: posts.authorId,
      bodyMarkdown: posts.bodyMarkdown,
      threadId: posts.threadId,
      moderationState: posts.moderationState,
      title: threads.title,
      slug: threads.slug,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .where(eq(posts.id, postId))
    .get();
  if (!post || !canSeeModeratedContent(actor, post)) throw new NotFoundError("That post does not exist.");
  ensure(canEditPost(actor, post), "You can only edit your own posts.");
  return post;
}

const editAnswerSchema = z.object({ body: bodySchema });
const editQuestionSchema = z.object({ body: bodySchema, title: titleSchema });

export function editPost(actor: Actor, postId: number, input: unknown) {
  ensureSignedIn(actor);
  const post = getPostForEdit(actor, postId);
  const values: { body: string; title?: string } = parseInput(post.kind === "question" ? editQuestionSchema : editAnswerSchema, input);
  const newTitle = values.title;
  const bodyHtml = renderMarkdown(values.body);
  const db = getDb();
  return writeTransaction(() => {
    consume(`edit:user:${actor.id}`, LIMITS.edit);
    const current = db.select().from(posts).where(eq(posts.id, postId)).get();
    if (!current) throw new NotFoundError("That post does not exist.");
    const unchanged = current.bodyMarkdown === values.body && (newTitle === undefined || newTitle === post.title);
    if (unchanged) return { threadId: post.threadId, slug: post.slug, changed: false };
    const at = now();
    db.insert(postRevisions)
      .values({
        postId,
        previousTitle: post.kind === "question" ? post.title : null,
        previousBodyMarkdown: current.bodyMarkdown,
        previousAuthoredAt: current.editedAt ?? current.createdAt,
        editorId: actor.id,
        editedAt: at,
      })
      .run();
    db.update(posts).set({ bodyMarkdown: values.body, bodyHtml, editedAt: at }).where(eq(posts.id, postId)).run();
    const threadChanges: Partial<typeof threads.$inferInsert> = { lastActivityAt: at };
    if (newTitle !== undefined) threadChanges.title = newTitle;
    db.update(threads).set(threadChanges).where(eq(threads.id, post.threadId)).run();
    // The search document holds the question and the solutions; other answers are not in it.
    const inSearchDocument =
      post.kind === "question" || db.select({ postId: solutions.postId }).from(solutions).where(eq(solutions.postId, postId)).get();
    if (inSearchDocument) indexThread(post.threadId);
    if (post.authorId !== actor.id) {
      recordAudit(actor, {
        action: "post.edit",
        subject: { type: "post", id: postId, label: `${post.kind === "question" ? "Question" : "Answer"} in "${post.title}"` },
        before: { title: post.kind === "question" ? post.title : undefined, body: current.bodyMarkdown },
        after: { title: newTitle, body: values.body },
      }, at);
    }
    return { threadId: post.threadId, slug: post.slug, changed: true };
  });
}

/** Every version of a post, newest first: the current text, then each text an edit replaced. */
export function getPostHistory(actor: Actor, postId: number) {
  ensure(canViewPostHistory(actor));
  const db = getDb();
  const post = db
    .select({
      id: posts.id,
      kind: posts.kind,
      authorId: posts.authorId,
      moderationState: posts.moderationState,
      bodyMarkdown: posts.bodyMarkdown,
      createdAt: posts.createdAt,
      editedAt: posts.editedAt,
      author: users.username,
      threadId: threads.id,
      title: threads.title,
      slug: threads.slug,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(users, eq(users.id, posts.authorId))
    .where(eq(posts.id, postId))
    .get();
  if (!post || !canSeeModeratedContent(actor, post)) throw new NotFoundError("That post does not exist.");
  const revisions = db
    .select({
      id: postRevisions.id,
      previousTitle: postRevisions.previousTitle,
      previousBodyMarkdown: postRevisions.previousBodyMarkdown,
      previousAuthoredAt: postRevisions.previousAuthoredAt,
      editedAt: postRevisions.editedAt,
      editor: users.username,
    })
    .from(postRevisions)
    .innerJoin(users, eq(users.id, postRevisions.editorId))
    .where(eq(postRevisions.postId, postId))
    .orderBy(desc(postRevisions.editedAt), desc(postRevisions.id))
    .all();
  // Version n was written at previousAuthoredAt and replaced by `editor` at editedAt.
  const versions = [
    { number: revisions.length + 1, title: post.kind === "question" ? post.title : null, bodyMarkdown: post.bodyMarkdown, writtenAt: post.editedAt ?? post.createdAt, replacedBy: null as string | null },
    ...revisions.map((revision, index) => ({
      number: revisions.length - index,
      title: revision.previousTitle,
      bodyMarkdown: revision.previousBodyMarkdown,
      writtenAt: revision.previousAuthoredAt,
      replacedBy: revision.editor,
    })),
  ];
  return { post, versions };
}


const previewSchema = z.object({ body: z.string().max(MAX_BODY_LENGTH, `Keep it under ${MAX_BODY_LENGTH.toLocaleString("en")} characters.`) });

/**
 * The HTML a post would get, through the same pipeline as saving it (and refused the same way).
 * Rate limited like every other path that renders Markdown: rendering is the costly part of a post.
 */
export function previewMarkdown(actor: Actor, input: unknown) {
  ensureSignedIn(actor);
  const { body } = parseInput(previewSchema, input);
  consume(`preview:user:${actor.id}`, LIMITS.preview);
  return { html: renderMarkdown(body) };
}
