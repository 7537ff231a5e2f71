/**
 * What can be settled only once every post is in: accepted answers (Hearth's "accepted" solution),
 * duplicates (a closed question whose close record or duplicate link names its original), then each
 * imported thread's answer count and status and each tag's thread count, as Hearth's own writes keep
 * them (db/schema/community.ts). Every step compares before it writes, so a second run changes nothing,
 * a thread closed or reopened in Hearth keeps that closing (DECISIONS.md #89), and one whose asker
 * accepted an answer or withdrew the acceptance in Hearth keeps that decision (#90).
 */
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { posts, solutions, tags, threads, users } from "../../../../db/schema";
import { write } from "~/lib/db.server";
import { recomputeTrustLevels } from "~/models/trust/levels.server";
import { getTrustThresholds } from "~/models/trust/thresholds.server";
import { tally, type ImportContext } from "./context.server";
import { threadChangesInHearth } from "./hearth-changes.server";
import { recordedRows } from "./records.server";
import { sourceDate } from "./source-values";

const PIECE = 500;

export async function settleAcceptedAnswers(ctx: ImportContext) {
  for (const pairs of ctx.scratch.acceptedPairs(PIECE)) {
    await write(async (db) => {
      const threadOf = await recordedRows(
        db,
        ctx.site,
        "thread",
        pairs.map((pair) => pair.questionId),
      );
      const postOf = await recordedRows(
        db,
        ctx.site,
        "post",
        pairs.map((pair) => pair.answerId),
      );
      const acceptedAt = ctx.scratch.votesOf(pairs.map((pair) => pair.answerId));
      const placed = pairs.flatMap((pair) => {
        const threadId = threadOf.get(pair.questionId)?.targetId;
        const postId = postOf.get(pair.answerId)?.targetId;
        if (threadId === undefined || postId === undefined) {
          tally(ctx, "accepted answers", "skipped");
          return [];
        }
        return [{ threadId, postId, answerId: pair.answerId }];
      });
      if (placed.length === 0) return;
      const threadIds = placed.map((pair) => pair.threadId);
      const current = new Map(
        (
          await db
            .select({
              threadId: threads.id,
              postId: solutions.postId,
              acceptanceDecidedAt: threads.acceptanceDecidedAt,
            })
            .from(threads)
            .leftJoin(solutions, and(eq(solutions.threadId, threads.id), eq(solutions.kind, "accepted")))
            .where(inArray(threads.id, threadIds))
        ).map((row) => [row.threadId, row]),
      );
      const facts = new Map(
        (
          await db
            .select({ id: posts.id, createdAt: posts.createdAt, askerId: threads.authorId })
            .from(posts)
            .innerJoin(threads, eq(threads.id, posts.threadId))
            .where(
              inArray(
                posts.id,
                placed.map((pair) => pair.postId),
              ),
            )
        ).map((row) => [row.id, row]),
      );
      for (const pair of placed) {
        const thread = current.get(pair.threadId)!;
        const before = thread.postId ?? undefined;
        // Left as it is when the asker decided in Hearth (accepted another answer, or withdrew it).
        if (before === pair.postId || thread.acceptanceDecidedAt !== null) {
          tally(ctx, "accepted answers", "unchanged");
          continue;
        }
        const fact = facts.get(pair.postId)!;
        // When the asker's acceptance vote was cast (a day, in dumps), else when the answer was posted.
        const markedAt = sourceDate(acceptedAt.get(pair.answerId)?.acceptedAt ?? undefined) ?? fact.createdAt;
        await db
          .insert(solutions)
          .values({
            threadId: pair.threadId,
            kind: "accepted",
            postId: pair.postId,
            markedById: fact.askerId,
            markedAt,
          })
          .onConflictDoUpdate({ target: [solutions.threadId, solutions.kind], set: { postId: pair.postId, markedAt } });
        ctx.touchedThreads.add(pair.threadId);
        tally(ctx, "accepted answers", before === undefined ? "imported" : "updated");
      }
    });
  }
}

/** A closed question whose record or link names an imported original points at it, at the end of any chain. */
export async function settleDuplicates(ctx: ImportContext) {
  for (const pairs of ctx.scratch.duplicatePairs(PIECE)) {
    await write(async (db) => {
      const threadOf = await recordedRows(db, ctx.site, "thread", [
        ...pairs.map((pair) => pair.questionId),
        ...pairs.map((pair) => pair.originalId),
      ]);
      const ids = pairs.flatMap((pair) => {
        const threadId = threadOf.get(pair.questionId)?.targetId;
        const originalId = threadOf.get(pair.originalId)?.targetId;
        return threadId !== undefined && originalId !== undefined && threadId !== originalId
          ? [{ threadId, originalId }]
          : [];
      });
      tally(ctx, "duplicates", "skipped", pairs.length - ids.length);
      if (ids.length === 0) return;
      const states = new Map(
        (
          await db
            .select({
              id: threads.id,
              status: threads.status,
              duplicateOfId: threads.duplicateOfId,
              title: threads.title,
            })
            .from(threads)
            .where(inArray(threads.id, [...ids.map((pair) => pair.threadId), ...ids.map((pair) => pair.originalId)]))
        ).map((row) => [row.id, row]),
      );
      const closedInHearth = await threadChangesInHearth(
        db,
        ids.map((pair) => pair.threadId),
      );
      for (const { threadId, originalId } of ids) {
        const thread = states.get(threadId)!;
        // A reopened question keeps its link at the source but is not closed here either.
        if (thread.status !== "closed") {
          tally(ctx, "duplicates", "skipped");
          continue;
        }
        // Closed (as a duplicate of another, or for another reason) by Hearth's staff or voters: theirs.
        if (closedInHearth.get(threadId)!.closing) {
          tally(ctx, "duplicates", "unchanged");
          continue;
        }
        const original = states.get(originalId)!;
        const targetId = original.duplicateOfId ?? original.id;
        if (thread.duplicateOfId === targetId || targetId === threadId) {
          tally(ctx, "duplicates", "unchanged");
          continue;
        }
        const target =
          targetId === original.id
            ? original
            : {
                title: (await db.select({ title: threads.title }).from(threads).where(eq(threads.id, targetId)))[0]
                  .title,
              };
        await db
          .update(threads)
          .set({ duplicateOfId: targetId, closedReason: `Duplicate of "${target.title}"` })
          .where(eq(threads.id, threadId));
        ctx.touchedThreads.add(threadId);
        tally(ctx, "duplicates", thread.duplicateOfId === null ? "imported" : "updated");
      }
    });
  }
  await shortenDuplicateChains(ctx);
}

/**
 * A duplicate whose original turned out a duplicate too (in the same pass, later) points at the end of
 * the chain, as Hearth's own "duplicate" action does; chains shorten by one link per round.
 */
async function shortenDuplicateChains(ctx: ImportContext) {
  for (let round = 0; round < 10; round++) {
    const links = await write(async (db) => {
      const original = alias(threads, "original");
      const chained = await db
        .select({ id: threads.id, targetId: original.duplicateOfId })
        .from(threads)
        .innerJoin(original, eq(original.id, threads.duplicateOfId))
        .where(and(eq(threads.sourceSite, ctx.site), isNotNull(original.duplicateOfId)));
      for (const { id, targetId } of chained) {
        if (targetId === null || targetId === id) continue;
        const [target] = await db.select({ title: threads.title }).from(threads).where(eq(threads.id, targetId));
        await db
          .update(threads)
          .set({ duplicateOfId: targetId, closedReason: `Duplicate of "${target.title}"` })
          .where(eq(threads.id, id));
        ctx.touchedThreads.add(id);
      }
      return chained.length;
    });
    if (links === 0) return;
  }
}

/**
 * Answer counts (visible answers), status (closed stays closed; else solved, answered or open) and
 * tag counts (visible threads) of the site's threads and tags, written only where they differ.
 */
export async function settleCounters(ctx: ImportContext) {
  await write(async (db) => {
    const answers = sql`(SELECT count(*) FROM posts p WHERE p.thread_id = threads.id AND p.kind = 'answer' AND p.moderation_state = 'visible')`;
    const status = sql`CASE WHEN threads.status = 'closed' THEN 'closed'
      WHEN EXISTS (SELECT 1 FROM solutions s WHERE s.thread_id = threads.id) THEN 'solved'
      WHEN ${answers} > 0 THEN 'answered' ELSE 'open' END`;
    await db
      .update(threads)
      .set({ answerCount: sql`${answers}`, status: sql`${status}` })
      .where(
        and(eq(threads.sourceSite, ctx.site), sql`(threads.answer_count <> ${answers} OR threads.status <> ${status})`),
      );
    const tagged = sql`(SELECT count(*) FROM thread_tags tt JOIN threads t ON t.id = tt.thread_id WHERE tt.tag_id = tags.id AND t.visibility = 'visible')`;
    await db
      .update(tags)
      .set({ threadCount: sql`${tagged}` })
      .where(
        sql`tags.id IN (SELECT tt.tag_id FROM thread_tags tt JOIN threads t ON t.id = tt.thread_id WHERE t.source_site = ${ctx.site}) AND tags.thread_count <> ${tagged}`,
      );
  });
}

/**
 * Trust levels of the site's people, from the reputation and posts they came with (the trust job
 * looks only at recent accounts and new posts, and imported accounts are neither). Returns how many rose.
 */
export async function settleTrustLevels(ctx: ImportContext) {
  const thresholds = await getTrustThresholds();
  // EXISTS, looked up per person by index: an IN (SELECT …) list is built anew for each batch of 500
  // people the trust module reads, which at 1.77 million people did not end in 5 minutes.
  const ofSite = sql`EXISTS (SELECT 1 FROM import_records r WHERE r.kind = 'user' AND r.target_id = ${users.id} AND r.site = ${ctx.site})`;
  const { rose } = await write(() =>
    recomputeTrustLevels(thresholds, ctx.at, `imported from ${ctx.site}`, ofSite, true),
  );
  tally(ctx, "trust levels raised", "updated", rose);
}
