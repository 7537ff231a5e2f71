/**
 * Comments under imported posts, as the source site had them: read-only history (Hearth has no
 * comments of its own), shown on the thread page under each post. Invariants (DECISIONS.md #81):
 * - one query for all the page's posts, asked only for posts the page already shows, so the
 *   reader's right to see a comment is their right to see its post (checked by the page's queries);
 * - at most COMMENTS_SHOWN_PER_POST per post, oldest first, with the post's total, so a post with
 *   thousands of comments is still a bounded page (the rest are on the source, which is linked);
 * - a comment by the site's one "deleted user" account is shown under the name it had at the source;
 * - a comment staff removed reaches staff alone (`visibleCommentsCondition`, applied before the
 *   numbering, so everyone else's first 30 and total leave it out), marked with who removed it,
 *   when and why (moderation/comments.server.ts).
 */
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { postComments, users } from "../../../db/schema";
import { read } from "~/lib/db.server";
import { visibleCommentsCondition, type Actor } from "~/lib/permissions.server";
import { COMMENTS_SHOWN_PER_POST, type PostComments } from "./rules";

const remover = alias(users, "remover");

/**
 * The first comments of each post in `postIds` (posts the reader may see) that the reader may see,
 * keyed by post id; posts without such comments are absent. `deletedUserId` is the thread's site's
 * deleted-user account, if any.
 */
export async function commentsOfPosts(
  actor: Actor,
  postIds: readonly number[],
  deletedUserId: number | null,
): Promise<Map<number, PostComments>> {
  const byPost = new Map<number, PostComments>();
  if (postIds.length === 0) return byPost;
  const rows = await read((db) => {
    // Numbered within each post on the index (post_id, created_at) alone; only the first few rows are read whole.
    const ranked = db
      .select({
        id: postComments.id,
        position:
          sql<number>`row_number() OVER (PARTITION BY ${postComments.postId} ORDER BY ${postComments.createdAt}, ${postComments.id})`.as(
            "position",
          ),
        total: sql<number>`count(*) OVER (PARTITION BY ${postComments.postId})`.as("total"),
      })
      .from(postComments)
      .where(and(inArray(postComments.postId, [...postIds]), visibleCommentsCondition(actor)))
      .as("ranked");
    return db
      .select({
        id: postComments.id,
        postId: postComments.postId,
        authorId: postComments.authorId,
        username: users.username,
        sourceAuthorName: postComments.sourceAuthorName,
        bodyHtml: postComments.bodyHtml,
        score: postComments.score,
        createdAt: postComments.createdAt,
        removedAt: postComments.removedAt,
        removedBy: remover.username,
        removalReason: postComments.removalReason,
        total: ranked.total,
      })
      .from(ranked)
      .innerJoin(postComments, eq(postComments.id, ranked.id))
      .innerJoin(users, eq(users.id, postComments.authorId))
      .leftJoin(remover, eq(remover.id, postComments.removedById))
      .where(lte(ranked.position, COMMENTS_SHOWN_PER_POST))
      .orderBy(asc(postComments.postId), asc(postComments.createdAt), asc(postComments.id));
  });
  for (const row of rows) {
    let entry = byPost.get(row.postId);
    if (!entry) {
      entry = { shown: [], total: Number(row.total) };
      byPost.set(row.postId, entry);
    }
    const byDeletedUser = row.authorId === deletedUserId;
    entry.shown.push({
      id: row.id,
      author: byDeletedUser ? (row.sourceAuthorName ?? "a deleted user") : row.username,
      ...(byDeletedUser ? { authorIsStandIn: true } : {}),
      bodyHtml: row.bodyHtml,
      score: row.score,
      createdAt: row.createdAt,
      // Only readers who may see removed comments get any (the query's condition).
      ...(row.removedAt === null
        ? {}
        : { removal: { at: row.removedAt, by: row.removedBy, reason: row.removalReason } }),
    });
  }
  return byPost;
}
