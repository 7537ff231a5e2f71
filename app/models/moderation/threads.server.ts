/**
 * Staff actions on whole threads: lock, close with a reason, reopen, close as a duplicate, move to
 * another category, retag (which regulars may do too), pin. Each writes an audit entry with the thread's state before and after,
 * and re-indexes the thread when what search knows about it changed (category, tags, duplicate).
 */
import { eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { categories, closeVotes, tags, threadTags, threads } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, write, read } from "~/lib/db.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canModerate,
  canRetagThread,
  canSeeThread,
  ensure,
  ensureSignedIn,
  hasReachedOthers,
  isPublicThread,
  type Actor,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { unlockedAt } from "~/lib/trust-levels";
import { recordAudit } from "~/models/shared/audit.server";
import { THREAD_ACTIONS, type AuditAction } from "./rules";
import { findCategoryBySlug, resolveTagList, tagsByThread } from "~/models/community/tags.server";
import { refreshThreadStatus } from "~/models/shared/posts.server";
import { record } from "~/models/shared/events.server";
import { plainText } from "~/lib/plain-text";

const reason = plainText().max(300, "Keep the reason under 300 characters.");

/** A thread is named by its number or by its address (/questions/12/slug, or a full URL). */
const threadReference = z
  .string()
  .trim()
  .min(1, "Enter the original question's address or number.")
  .max(500)
  .transform((value, context) => {
    const id = Number(/^\d+$/.test(value) ? value : /\/questions\/(\d+)/.exec(value)?.[1]);
    if (!Number.isSafeInteger(id) || id <= 0) {
      context.addIssue({ code: "custom", message: "Enter the original question's address or number." });
      return z.NEVER;
    }
    return id;
  });

const threadActionSchema = z.discriminatedUnion(
  "action",
  [
    z.object({ action: z.literal("lock"), reason: reason.default("") }),
    z.object({ action: z.literal("unlock") }),
    z.object({ action: z.literal("close"), reason: reason.min(1, "Say why the thread is closed.") }),
    z.object({ action: z.literal("reopen") }),
    z.object({ action: z.literal("duplicate"), original: threadReference }),
    z.object({ action: z.literal("move"), category: z.string().trim().min(1, "Choose a category.").max(60) }),
    z.object({ action: z.literal("retag"), tags: z.string().max(200, "Too many tags.").default("") }),
    z.object({ action: z.literal("pin") }),
    z.object({ action: z.literal("unpin") }),
  ],
  { error: `Choose one of: ${THREAD_ACTIONS.join(", ")}.` },
);

async function threadState(threadId: number) {
  const thread = firstRow(
    await read((db) =>
      db
        .select({
          id: threads.id,
          title: threads.title,
          status: threads.status,
          categoryId: threads.categoryId,
          category: categories.slug,
          lockedAt: threads.lockedAt,
          pinnedAt: threads.pinnedAt,
          closedReason: threads.closedReason,
          duplicateOfId: threads.duplicateOfId,
          visibility: threads.visibility,
          authorId: threads.authorId,
        })
        .from(threads)
        .innerJoin(categories, eq(categories.id, threads.categoryId))
        .where(eq(threads.id, threadId)),
    ),
  );
  // A waiting thread has reached no one, staff included (`hasReachedOthers`).
  if (!thread || !hasReachedOthers(thread)) throw new NotFoundError("That question does not exist.");
  return thread;
}

type ThreadSnapshot = Awaited<ReturnType<typeof threadState>>;

/** The fields of a thread an action changes, as the audit log keeps them. */
const snapshotOf = (action: string, thread: ThreadSnapshot, tagNames: string[]) => {
  switch (action) {
    case "lock":
    case "unlock":
      return { locked: thread.lockedAt !== null };
    case "pin":
    case "unpin":
      return { pinned: thread.pinnedAt !== null };
    case "move":
      return { category: thread.category };
    case "retag":
      return { tags: tagNames.join(", ") };
    default:
      return { status: thread.status, reason: thread.closedReason, duplicateOf: thread.duplicateOfId };
  }
};

/** Staff act on threads; members at the regular trust level may retag them too (`canRetagThread`), audited alike. */
export async function moderateThread(actor: Actor, threadId: number, input: unknown) {
  ensure(
    canModerate(actor) || canRetagThread(actor),
    `Only staff can moderate threads. Changing a question's tags: ${unlockedAt("retag")}`,
  );
  ensureSignedIn(actor);
  const values = parseInput(threadActionSchema, input);
  const retag = values.action === "retag";
  ensure(retag ? canRetagThread(actor) : canModerate(actor), "Only staff can moderate threads.");
  return write(async (db, changed) => {
    // A duplicate's page names its original, not the other way round: only this thread changes.
    changed.thread(threadId);
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const before = await threadState(threadId);
    // Staff act on any thread that reached others; a regular only on one they may see.
    if (!canModerate(actor) && !canSeeThread(actor, before)) throw new NotFoundError("That question does not exist.");
    const tagsBefore = (await tagsByThread([threadId])).get(threadId) ?? [];
    const at = now();
    const update = async (changes: Partial<typeof threads.$inferInsert>) =>
      await db.update(threads).set(changes).where(eq(threads.id, threadId));
    let auditReason: string | null = null;
    let reindex = false;

    switch (values.action) {
      case "lock":
        if (before.lockedAt) return { changed: false };
        await update({ lockedAt: at });
        auditReason = values.reason || null;
        break;
      case "unlock":
        if (!before.lockedAt) return { changed: false };
        await update({ lockedAt: null });
        break;
      case "pin":
        if (before.pinnedAt) return { changed: false };
        await update({ pinnedAt: at });
        break;
      case "unpin":
        if (!before.pinnedAt) return { changed: false };
        await update({ pinnedAt: null });
        break;
      case "close":
        await update({ status: "closed", closedReason: values.reason, duplicateOfId: null });
        auditReason = values.reason;
        reindex = before.duplicateOfId !== null;
        break;
      case "reopen":
        if (before.status !== "closed") return { changed: false };
        await update({ status: "open", closedReason: null, duplicateOfId: null });
        // A reopened question starts a new round of close votes.
        await db.delete(closeVotes).where(eq(closeVotes.threadId, threadId));
        await refreshThreadStatus(threadId);
        reindex = before.duplicateOfId !== null;
        break;
      case "duplicate": {
        const original = firstRow(
          await db
            .select({
              id: threads.id,
              title: threads.title,
              visibility: threads.visibility,
              duplicateOfId: threads.duplicateOfId,
            })
            .from(threads)
            .where(eq(threads.id, values.original)),
        );
        if (!original || !isPublicThread(original))
          throw new ValidationError({ original: "There is no such question to point to." });
        // Point at the end of a chain, so a duplicate never leads to another duplicate.
        const targetId = original.duplicateOfId ?? original.id;
        if (targetId === threadId)
          throw new ValidationError({ original: "A question cannot be a duplicate of itself." });
        const targetTitle = targetId === original.id ? original.title : (await threadState(targetId)).title;
        await update({ status: "closed", closedReason: `Duplicate of "${targetTitle}"`, duplicateOfId: targetId });
        auditReason = `Duplicate of #${targetId}`;
        reindex = true;
        break;
      }
      case "move": {
        const category = await findCategoryBySlug(values.category);
        if (!category) throw new ValidationError({ category: "Choose one of the listed categories." });
        if (category.id === before.categoryId) return { changed: false };
        await update({ categoryId: category.id });
        reindex = true;
        break;
      }
      case "retag": {
        const chosen = await resolveTagList(values.tags);
        const removed = tagsBefore.filter((name) => !chosen.some((tag) => tag.name === name));
        const added = chosen.filter((tag) => !tagsBefore.includes(tag.name));
        if (removed.length === 0 && added.length === 0) return { changed: false };
        await db.delete(threadTags).where(eq(threadTags.threadId, threadId));
        if (chosen.length > 0) await db.insert(threadTags).values(chosen.map((tag) => ({ threadId, tagId: tag.id })));
        // Tag counts count threads everyone can see.
        const visible = isPublicThread(before);
        if (visible && removed.length > 0) {
          await db
            .update(tags)
            .set({ threadCount: sql`${tags.threadCount} - 1` })
            .where(inArray(tags.name, removed));
        }
        if (visible && added.length > 0) {
          await db
            .update(tags)
            .set({ threadCount: sql`${tags.threadCount} + 1` })
            .where(
              inArray(
                tags.id,
                added.map((tag) => tag.id),
              ),
            );
        }
        reindex = true;
        break;
      }
    }
    await record("thread changed", {
      threadId,
      action: values.action,
      reason: auditReason,
      by: actor,
      searchChanged: reindex,
      at,
    });
    const after = await threadState(threadId);
    const tagsAfter = values.action === "retag" ? ((await tagsByThread([threadId])).get(threadId) ?? []) : tagsBefore;
    const action: AuditAction = `thread.${values.action}`;
    await recordAudit(
      actor,
      {
        action,
        subject: { type: "thread", id: threadId, label: before.title },
        reason: auditReason,
        before: snapshotOf(values.action, before, tagsBefore),
        after: snapshotOf(values.action, after, tagsAfter),
      },
      at,
    );
    return { changed: true };
  });
}
