/**
 * Posts: answering, editing (question or answer) and revision history.
 * Every edit keeps the text it replaces in post_revisions, with who replaced it and when; Markdown
 * is rendered once, when saved.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { postRevisions, posts, solutions, threads, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, inWrite, oneRow, preparedPerConnection, rawRowsTogether, write, read } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { parseInput, parseInputAsync } from "~/lib/forms.server";
import { rowIdField } from "~/lib/row-ids";
import {
  canAnswerThread,
  canEditPost,
  canReadRedactedRevision,
  canRedactRevision,
  canSeeThread,
  ensure,
  ensureSignedIn,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS, replyLimit } from "~/lib/rate-limit.server";
import { MAX_BODY_LENGTH } from "./rules";
import { recordAudit } from "~/models/shared/audit.server";
import { initialPostStateOf, postLabel, standingColumns } from "~/models/moderation/post-state.server";
import { findPostInThread, visibleAnswerCounted } from "~/models/shared/posts.server";
import { activeFollowUpColumn } from "~/models/shared/follow-up-state.server";
import { bodySchema, slugify, titleSchema } from "./post-input";
import { record } from "~/models/shared/events.server";
import { renderPostBody } from "./mentions.server";
import { renderBodyFor, renderedBodySchema } from "./post-body.server";
import { plainText } from "~/lib/plain-text";

const answerSchema = z.object({ body: bodySchema });

// Prepared: every answer reads it under the write lock, with its author's standing and whether a
// follow-up waits on the thread in the same round trip.
const threadToAnswer = preparedPerConnection((db) =>
  db
    .select({
      authorId: threads.authorId,
      status: threads.status,
      lockedAt: threads.lockedAt,
      visibility: threads.visibility,
      ...standingColumns(sql.placeholder("authorId")),
      followUpActive: activeFollowUpColumn(threads.id),
    })
    .from(threads)
    .where(eq(threads.id, sql.placeholder("threadId")))
    .prepare(),
);

export async function postAnswer(actor: Actor, threadId: number, input: unknown) {
  ensureSignedIn(actor);
  const { body } = parseInput(answerSchema, input);
  const bodyHtml = await renderBodyFor(actor, body);
  return write(async (db, changed) => {
    changed.thread(threadId);
    const checking = threadToAnswer().execute({ threadId, authorId: actor.id });
    // Counted beside the check, in its round trip on PostgreSQL (pipelined): a 404 or a refusal rolls
    // the count back with the rest of the write, and the check's verdict comes first.
    const budget = replyLimit(actor, "answer");
    const counting = consume(budget.key, budget.limit);
    void counting.catch(() => {}); // awaited once the thread is known to take answers
    const thread = firstRow(await checking);
    if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError("That question does not exist.");
    ensure(
      canAnswerThread(actor, thread),
      thread.lockedAt ? "This question is locked: it takes no new answers." : "This question is closed to new answers.",
    );
    await counting;
    const at = now();
    const state = initialPostStateOf(actor, thread);
    const held = state === "held";
    const waiting = state === "waiting";
    const insert = db
      .insert(posts)
      .values({
        threadId,
        authorId: actor.id,
        kind: "answer",
        bodyMarkdown: body,
        bodyHtml,
        createdAt: at,
        moderationState: state,
      })
      .returning({ id: posts.id });
    // A held or waiting answer is counted, and its thread marked active, when it becomes visible.
    const counted = state === "visible" ? [visibleAnswerCounted(db, threadId, 1, at)] : [];
    const answer = oneRow(await rawRowsTogether<{ id: number }>(db, [...counted, insert]));
    const followUpActive = Boolean(thread.followUpActive);
    await record("answer posted", {
      threadId,
      postId: answer.id,
      author: actor,
      held,
      waiting,
      bodyHtml,
      at,
      followUpActive,
    });
    return { postId: answer.id, held, waiting };
  });
}

/** A post the actor may see (else 404) and edit (else 403). */
async function findEditablePost(actor: Actor, postId: number) {
  const post = await findPostInThread(actor, postId);
  ensure(canEditPost(actor, post), "You can only edit your own posts.");
  return post;
}

/** The post with what an editor needs: its Markdown, and the title when it is a question. */
async function getPostForEdit(actor: Actor, postId: number) {
  const { id, kind, authorId, bodyMarkdown, threadId, moderationState, title, slug } = await findEditablePost(
    actor,
    postId,
  );
  return { id, kind, authorId, bodyMarkdown, threadId, moderationState, title, slug };
}

const editAnswerSchema = z.object({ body: bodySchema });
const editQuestionSchema = z.object({ body: bodySchema, title: titleSchema });

/** The edit form's fields for a post of `kind`. */
export const editSchemaFor = (kind: "question" | "answer") =>
  kind === "question" ? editQuestionSchema : editAnswerSchema;

export async function editPost(actor: Actor, postId: number, input: unknown) {
  ensureSignedIn(actor);
  const { kind } = await getPostForEdit(actor, postId);
  const {
    body: { markdown, html: bodyHtml },
    ...fields
  } = await parseInputAsync(editSchemaFor(kind).extend({ body: renderedBodySchema(actor) }), input);
  const values: EditValues = { ...fields, body: markdown };
  return write(async (_db, changed) => {
    // Checked again under the write lock: the post or its thread may have been hidden meanwhile.
    const post = await findEditablePost(actor, postId);
    changed.thread(post.threadId);
    await consume(`edit:user:${actor.id}`, LIMITS.edit);
    const unchanged = post.bodyMarkdown === values.body && (values.title === undefined || values.title === post.title);
    if (unchanged) return { threadId: post.threadId, slug: post.slug, changed: false };
    const { slug } = await applyPostEdit(post, actor, values, bodyHtml, now(), { audited: post.authorId !== actor.id });
    return { threadId: post.threadId, slug, changed: true };
  });
}

type EditValues = { body: string; title?: string };
type PostBeingEdited = Awaited<ReturnType<typeof findPostInThread>>;

/**
 * Writes `values` over `post` as an edit by `editor`, in the caller's write: the replaced text goes
 * to the post's history, the thread's title and slug follow a question's new title, and "post
 * edited" is recorded. `audited`: an edit of someone else's post goes in the audit log (without the
 * text). Returns the thread's slug after the edit.
 */
export async function applyPostEdit(
  post: PostBeingEdited,
  editor: Member,
  values: EditValues,
  bodyHtml: string,
  at: Date,
  { audited }: { audited: boolean },
) {
  return inWrite(async (db) => {
    const newTitle = values.title;
    const revision = oneRow(
      await db
        .insert(postRevisions)
        .values({
          postId: post.id,
          previousTitle: post.kind === "question" ? post.title : null,
          previousBodyMarkdown: post.bodyMarkdown,
          previousAuthoredAt: post.editedAt ?? post.createdAt,
          editorId: editor.id,
          editedAt: at,
        })
        .returning({ id: postRevisions.id }),
    );
    await db.update(posts).set({ bodyMarkdown: values.body, bodyHtml, editedAt: at }).where(eq(posts.id, post.id));
    const threadChanges: Partial<typeof threads.$inferInsert> = { lastActivityAt: at };
    // The slug follows the title (old addresses redirect to the new one), so text edited out of a
    // title does not live on in the thread's address.
    if (newTitle !== undefined) Object.assign(threadChanges, { title: newTitle, slug: slugify(newTitle) });
    await db.update(threads).set(threadChanges).where(eq(threads.id, post.threadId));
    // The search document holds the question and the solutions; other answers are not in it.
    const inSearchDocument =
      post.kind === "question" ||
      firstRow(await db.select({ postId: solutions.postId }).from(solutions).where(eq(solutions.postId, post.id)));
    await record("post edited", {
      threadId: post.threadId,
      postId: post.id,
      kind: post.kind,
      authorId: post.authorId,
      by: editor,
      inSearchDocument: Boolean(inSearchDocument),
      at,
    });
    if (audited) {
      await recordAudit(
        editor,
        {
          action: "post.edit",
          // Labelled with the title after the edit: an edit that removes personal data from a title must not keep it here.
          subject: {
            type: "post",
            id: post.id,
            label: `${post.kind === "question" ? "Question" : "Answer"} in "${newTitle ?? post.title}"`,
          },
          // The replaced text stays in the revision, where staff can redact it; an unchangeable log
          // entry holding a copy would keep personal data that staff edited out for good.
          before: { revision: revision.id },
          after: {
            titleChanged: newTitle !== undefined && newTitle !== post.title,
            bodyChanged: post.bodyMarkdown !== values.body,
          },
        },
        at,
      );
    }
    return { slug: threadChanges.slug ?? post.slug };
  });
}

const editor = alias(users, "editor");
const redactor = alias(users, "redactor");

/**
 * Every version of a post, newest first: the current text, then each text an edit replaced. The
 * history follows the post (a 404 to whoever may not see it); a redacted version's text and title
 * reach staff only, marked with who removed them, when and why.
 */
export async function getPostHistory(actor: Actor, postId: number) {
  const found = await findPostInThread(actor, postId);
  const { id, kind, authorId, moderationState, bodyMarkdown, createdAt, editedAt, author, threadId, title, slug } =
    found;
  const post = {
    id,
    kind,
    authorId,
    moderationState,
    bodyMarkdown,
    createdAt,
    editedAt,
    author,
    threadId,
    title,
    slug,
  };
  const revisions = await read((db) =>
    db
      .select({
        id: postRevisions.id,
        previousTitle: postRevisions.previousTitle,
        previousBodyMarkdown: postRevisions.previousBodyMarkdown,
        previousAuthoredAt: postRevisions.previousAuthoredAt,
        editedAt: postRevisions.editedAt,
        editor: editor.username,
        redactedAt: postRevisions.redactedAt,
        redactedBy: redactor.username,
        redactionReason: postRevisions.redactionReason,
      })
      .from(postRevisions)
      .innerJoin(editor, eq(editor.id, postRevisions.editorId))
      .leftJoin(redactor, eq(redactor.id, postRevisions.redactedById))
      .where(eq(postRevisions.postId, postId))
      .orderBy(desc(postRevisions.editedAt), desc(postRevisions.id)),
  );
  const readsRedacted = canReadRedactedRevision(actor);
  // Version n was written at previousAuthoredAt and replaced by `editor` at editedAt.
  const versions = [
    {
      number: revisions.length + 1,
      revisionId: null as number | null,
      title: post.kind === "question" ? post.title : null,
      bodyMarkdown: post.bodyMarkdown as string | null,
      writtenAt: post.editedAt ?? post.createdAt,
      replacedBy: null as string | null,
      redaction: null as Redaction | null,
    },
    ...revisions.map((revision, index) => {
      const redaction = revision.redactedAt
        ? { at: revision.redactedAt, by: revision.redactedBy, reason: readsRedacted ? revision.redactionReason : null }
        : null;
      const hidden = redaction !== null && !readsRedacted;
      return {
        number: revisions.length - index,
        revisionId: revision.id,
        title: hidden ? null : revision.previousTitle,
        bodyMarkdown: hidden ? null : revision.previousBodyMarkdown,
        writtenAt: revision.previousAuthoredAt,
        replacedBy: revision.editor,
        redaction: redaction && { ...redaction, by: readsRedacted ? redaction.by : null },
      };
    }),
  ];
  return { post, versions, canRedact: canRedactRevision(actor) };
}

type Redaction = { at: Date; by: string | null; reason: string | null };

const redactionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("redact"),
      revisionId: rowIdField("Choose a version."),
      reason: plainText({ error: "Say why the text is removed." })
        .min(1, "Say why the text is removed.")
        .max(500, "Keep the reason under 500 characters."),
    }),
    z.object({
      intent: z.literal("unredact"),
      revisionId: rowIdField("Choose a version."),
      reason: plainText().max(500, "Keep the reason under 500 characters.").default(""),
    }),
  ],
  { error: "Unknown action." },
);

/**
 * Staff remove a past version's text from everyone but staff (personal data), or put it back.
 * The text stays in the row for staff; the audit entry records the version and the reason, never the text.
 * Returns the version's id as parsed (for the page's anchor: never the raw form value).
 */
export async function redactRevision(actor: Actor, postId: number, input: unknown) {
  ensure(canRedactRevision(actor), "Only staff can remove text from a post's history.");
  ensureSignedIn(actor);
  const values = parseInput(redactionSchema, input);
  return write(async (db, changed) => {
    const post = await findPostInThread(actor, postId);
    changed.thread(post.threadId);
    const revision = firstRow(
      await db
        .select({ id: postRevisions.id, redactedAt: postRevisions.redactedAt })
        .from(postRevisions)
        .where(and(eq(postRevisions.id, values.revisionId), eq(postRevisions.postId, postId))),
    );
    if (!revision) throw new NotFoundError("That version does not exist.");
    const redact = values.intent === "redact";
    if ((revision.redactedAt !== null) === redact) return { changed: false, revisionId: revision.id };
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const at = now();
    await db
      .update(postRevisions)
      .set(
        redact
          ? { redactedAt: at, redactedById: actor.id, redactionReason: values.reason }
          : { redactedAt: null, redactedById: null, redactionReason: null },
      )
      .where(eq(postRevisions.id, revision.id));
    await recordAudit(
      actor,
      {
        action: redact ? "revision.redact" : "revision.unredact",
        subject: { type: "post", id: postId, label: postLabel(post) },
        reason: values.reason || null,
        before: { revision: revision.id, redacted: !redact },
        after: { revision: revision.id, redacted: redact },
      },
      at,
    );
    return { changed: true, revisionId: revision.id };
  });
}

const previewSchema = z.object({
  body: z.string().max(MAX_BODY_LENGTH, `Keep it under ${MAX_BODY_LENGTH.toLocaleString("en")} characters.`),
});

/**
 * The HTML a post would get, through the same pipeline as saving it (and refused the same way).
 * Rate limited like every other path that renders Markdown: rendering is the costly part of a post.
 */
export async function previewMarkdown(actor: Actor, input: unknown) {
  ensureSignedIn(actor);
  const { body } = parseInput(previewSchema, input);
  await consume(`preview:user:${actor.id}`, LIMITS.preview);
  return { html: await renderPostBody(body) };
}
