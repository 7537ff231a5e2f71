/**
 * What people changed in Hearth on imported posts and threads, which a re-import keeps (DECISIONS.md
 * #89): a post with a revision the import did not make (an edit in Hearth, or an approved suggested
 * edit) keeps its text, a question its title too; a thread closed, reopened or closed as a
 * duplicate in Hearth (by staff or by close votes) keeps its closing, one locked or unlocked its
 * lock, one retagged its tags. Edits are read from the revisions, the rest from the audit log, which
 * records each of these actions and is never changed: what was done before this rule existed counts too.
 * An acceptance the asker decided in Hearth (accepted an answer, or withdrew it) is marked on the
 * thread (`acceptance_decided_at`, filled for earlier acceptances by the migration that added it).
 */
import { and, eq, inArray } from "drizzle-orm";
import { auditLog, threads } from "../../../../db/schema";
import type { Db } from "~/lib/db.server";
import type { AuditAction } from "~/models/moderation/rules";
import { paddedIds } from "./records.server";
import { editedInHearth, revisionsOfPosts, type StoredRevision } from "./revisions.server";

type ThreadChanges = { closing: boolean; locking: boolean; tags: boolean };

/**
 * What of an imported post and its thread stays as Hearth has it: `text` is a question's title and
 * tags too; `acceptance` the asker's decision (finishing.server.ts keeps it).
 */
export type KeptInHearth = ThreadChanges & { text: boolean; acceptance: boolean };

const ACTIONS: Record<keyof ThreadChanges, AuditAction[]> = {
  closing: ["thread.close", "thread.reopen", "thread.duplicate", "thread.close-by-vote"],
  locking: ["thread.lock", "thread.unlock"],
  tags: ["thread.retag"],
};
const NONE: ThreadChanges = { closing: false, locking: false, tags: false };

/** For each of `threadIds`, which of its closing, lock and tags were set in Hearth (one query). */
export async function threadChangesInHearth(db: Db, threadIds: number[]) {
  const changes = new Map<number, ThreadChanges>(threadIds.map((id) => [id, NONE]));
  if (threadIds.length === 0) return changes;
  const rows = await db
    .selectDistinct({ threadId: auditLog.subjectId, action: auditLog.action })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.subjectType, "thread"),
        inArray(auditLog.subjectId, paddedIds(threadIds)),
        inArray(auditLog.action, Object.values(ACTIONS).flat()),
      ),
    );
  for (const { threadId, action } of rows) {
    const what = (Object.keys(ACTIONS) as (keyof ThreadChanges)[]).find((key) =>
      ACTIONS[key].includes(action as AuditAction),
    )!;
    changes.set(threadId, { ...changes.get(threadId)!, [what]: true });
  }
  return changes;
}

/**
 * What Hearth holds of these imported posts (their revisions, Hearth's and the import's) and threads
 * (what was changed there, and the latest activity), in three queries.
 */
export async function hearthStateOf(db: Db, site: string, postIds: number[], threadIds: number[]) {
  const revisions = new Map<number, StoredRevision[]>();
  for (const revision of await revisionsOfPosts(db, site, postIds)) {
    revisions.set(revision.postId, [...(revisions.get(revision.postId) ?? []), revision]);
  }
  const threadChanges = await threadChangesInHearth(db, threadIds);
  const threadRows = new Map(
    threadIds.length === 0
      ? []
      : (
          await db
            .select({
              id: threads.id,
              lastActivityAt: threads.lastActivityAt,
              acceptanceDecidedAt: threads.acceptanceDecidedAt,
            })
            .from(threads)
            .where(inArray(threads.id, paddedIds(threadIds)))
        ).map((thread) => [thread.id, thread]),
  );
  const editedInHearthOf = (postId: number | undefined) =>
    postId !== undefined && editedInHearth(revisions.get(postId) ?? []);
  return {
    revisionsOf: (postId: number) => revisions.get(postId) ?? [],
    editedInHearth: editedInHearthOf,
    /** For a question already imported: what its post and thread keep. */
    keptOf: (postId: number | undefined, threadId: number): KeptInHearth => {
      const changes = threadChanges.get(threadId) ?? NONE;
      const acceptance = Boolean(threadRows.get(threadId)?.acceptanceDecidedAt);
      // Tags change in Hearth by retagging alone (the edit form has none): an edit keeps the text only.
      return { ...changes, text: editedInHearthOf(postId), acceptance };
    },
    /** The later of the thread's activity in Hearth (answers, edits since) and the source's `sourceAt`. */
    latestActivity: (threadId: number, sourceAt: Date) => {
      const inHearth = threadRows.get(threadId)?.lastActivityAt;
      return inHearth && inHearth > sourceAt ? inHearth : sourceAt;
    },
  };
}
