/**
 * Comments.xml: each comment under its imported post (post_comments, read-only in Hearth), its text
 * (Stack Exchange's inline Markdown) rendered as a post's is (source-markdown.server.ts). A comment on
 * a post that was not imported is skipped and counted. A comment whose source row changed is written
 * again with the source's text and score, never its removal: one staff removed in Hearth stays
 * removed, and is counted as kept (DECISIONS.md #91).
 */
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { postComments } from "../../../../db/schema";
import type { Db } from "~/lib/db.server";
import { importFile, keptFromHearth, skip, tally, type ImportContext } from "./context.server";
import { contentHash, paddedIds, recordedRows, writeRecorded } from "./records.server";
import { renderSourceMarkdown } from "./source-markdown.server";
import { normalisedText, sourceDate, sourceInt } from "./source-values";
import { accountsOf } from "./users.server";
import type { SourceRow } from "./xml-rows.server";

const KNOWN = new Set(["Id", "PostId", "Score", "Text", "CreationDate", "UserDisplayName", "UserId", "ContentLicense"]);

async function writeComments(ctx: ImportContext, db: Db, rows: SourceRow[]) {
  const comments = rows.flatMap(({ attributes: a }) => {
    const sourceId = sourceInt(a.Id);
    const postId = sourceInt(a.PostId);
    if (sourceId === null || postId === null) {
      skip(ctx, "comments", "Comments.xml: a row without Id or PostId");
      return [];
    }
    return [{ sourceId, postId, userId: sourceInt(a.UserId), a, hash: contentHash(a) }];
  });
  const known = await recordedRows(
    db,
    ctx.site,
    "comment",
    comments.map((comment) => comment.sourceId),
  );
  const changed = comments.filter((comment) => known.get(comment.sourceId)?.contentHash !== comment.hash);
  tally(ctx, "comments", "unchanged", comments.length - changed.length);
  if (changed.length === 0) return;
  const postOf = await recordedRows(
    db,
    ctx.site,
    "post",
    changed.map((comment) => comment.postId),
  );
  const accountOf = await accountsOf(
    ctx,
    db,
    changed.map((comment) => comment.userId),
  );
  const names = ctx.scratch.userNamesOf(
    changed.flatMap((comment) => (comment.userId === null ? [] : [comment.userId])),
  );
  const placed = changed.flatMap((comment) => {
    const postId = postOf.get(comment.postId)?.targetId;
    if (postId === undefined) {
      skip(ctx, "comments", "Comments.xml: a comment on a post that was not imported");
      return [];
    }
    const text = normalisedText(comment.a.Text ?? "");
    const values = {
      postId,
      authorId: accountOf(comment.userId),
      sourceAuthorName:
        (comment.userId === null ? undefined : names.get(comment.userId)) ?? comment.a.UserDisplayName ?? null,
      bodyMarkdown: text,
      bodyHtml: renderSourceMarkdown(ctx, "Comments.xml", text),
      score: sourceInt(comment.a.Score) ?? 0,
      createdAt: sourceDate(comment.a.CreationDate) ?? ctx.at,
      sourceLicence: comment.a.ContentLicense ?? null,
    };
    return [{ sourceId: comment.sourceId, hash: comment.hash, values }];
  });
  await countRemovedInHearth(
    ctx,
    db,
    placed.flatMap((comment) => known.get(comment.sourceId)?.targetId ?? []),
  );
  const key = (row: { postId: number; createdAt: Date; bodyMarkdown: string }) =>
    `${row.postId} ${row.createdAt.getTime()} ${row.bodyMarkdown}`;
  const written = await writeRecorded(db, ctx.site, ctx.at, {
    kind: "comment",
    rows: placed,
    known,
    key,
    update: (id, values) => db.update(postComments).set(values).where(eq(postComments.id, id)),
    insert: async (values) =>
      (
        await db.insert(postComments).values(values).returning({
          id: postComments.id,
          postId: postComments.postId,
          createdAt: postComments.createdAt,
          bodyMarkdown: postComments.bodyMarkdown,
        })
      ).map((row) => ({ id: row.id, key: key(row) })),
  });
  tally(ctx, "comments", "imported", written.imported);
  tally(ctx, "comments", "updated", written.updated);
}

/** Counts the comments among `commentIds` (about to be rewritten) that staff removed in Hearth: they stay removed. */
async function countRemovedInHearth(ctx: ImportContext, db: Db, commentIds: number[]) {
  if (commentIds.length === 0) return;
  const removed = await db
    .select({ id: postComments.id })
    .from(postComments)
    .where(and(inArray(postComments.id, paddedIds(commentIds)), isNotNull(postComments.removedAt)));
  keptFromHearth(ctx, "comments removed in Hearth", removed.length);
}

export async function importComments(ctx: ImportContext) {
  return importFile(ctx, "Comments.xml", {
    known: KNOWN,
    batchSize: 1_000,
    write: (db, rows) => writeComments(ctx, db, rows),
  });
}
