/**
 * A source post's versions as Hearth revisions: each version before the last becomes a revision, the
 * text the next edit replaced, by whom and when. A revision is the row of its version (import_records
 * kind 'revision', keyed by the version's first PostHistory id; history rows never change at the
 * source), so a re-import keeps each row whose version the source still has, with its id (which the
 * audit log names) and its redaction, rewriting its values only where they differ; it adds the
 * versions new at the source and removes those the source no longer has. Revisions made in Hearth
 * (no record) are never touched, and a post edited in Hearth takes no new source versions: they
 * would be the history of a text the post no longer shows (DECISIONS.md #89).
 */
import { eq, inArray, sql } from "drizzle-orm";
import { postRevisions } from "../../../../db/schema";
import type { Db } from "~/lib/db.server";
import { tally, type ImportContext } from "./context.server";
import type { Version } from "./history";
import { dropRecords, paddedIds, saveRecords, statementPieces } from "./records.server";

const REVISION_VALUES = {
  postId: postRevisions.postId,
  previousTitle: postRevisions.previousTitle,
  previousTags: postRevisions.previousTags,
  previousBodyMarkdown: postRevisions.previousBodyMarkdown,
  previousAuthoredAt: postRevisions.previousAuthoredAt,
  editorId: postRevisions.editorId,
  editedAt: postRevisions.editedAt,
};
type RevisionValues = Pick<typeof postRevisions.$inferSelect, keyof typeof REVISION_VALUES>;

/** A post's revision as it stands: `versionId` is its source version, null for one made in Hearth. */
export type StoredRevision = RevisionValues & { id: number; versionId: number | null };

/** A post was edited in Hearth when one of its revisions is not an imported version (an edit, or an approved suggested edit). */
export const editedInHearth = (stored: StoredRevision[]) => stored.some((revision) => revision.versionId === null);

/** Every revision of these posts, each with the source version it was made from (one query). */
export async function revisionsOfPosts(db: Db, site: string, postIds: number[]): Promise<StoredRevision[]> {
  if (postIds.length === 0) return [];
  return db
    .select({
      id: postRevisions.id,
      ...REVISION_VALUES,
      // Per row by index (a join could read every revision record of the site).
      versionId: sql<
        number | null
      >`(SELECT r.source_id FROM import_records r WHERE r.kind = 'revision' AND r.target_id = ${postRevisions.id} AND r.site = ${site})`,
    })
    .from(postRevisions)
    .where(inArray(postRevisions.postId, paddedIds(postIds)));
}

export type PostVersions = {
  postId: number;
  kind: "question" | "answer";
  versions: Version[];
  /** Its revisions before this run (none for a new post). */
  stored: StoredRevision[];
};

/** The revisions the versions make, by version id. */
function revisionsFrom(post: PostVersions, accountOf: (id: number | null) => number) {
  const made = new Map<number, RevisionValues>();
  const { versions } = post;
  for (let i = 1; i < versions.length; i++) {
    const before = versions[i - 1];
    made.set(versions[i].sourceId, {
      postId: post.postId,
      previousTitle: post.kind === "question" ? before.title : null,
      previousTags: post.kind === "question" ? before.tags.join(" ") : null,
      previousBodyMarkdown: before.body,
      previousAuthoredAt: before.at,
      editorId: accountOf(versions[i].userId),
      editedAt: versions[i].at,
    });
  }
  return made;
}

const sameValues = (a: RevisionValues, b: RevisionValues) =>
  (Object.keys(REVISION_VALUES) as (keyof RevisionValues)[]).every((key) => {
    const [x, y] = [a[key], b[key]];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });

/** Brings each post's imported revisions in line with its source versions (see the head comment). */
export async function writeRevisions(
  ctx: ImportContext,
  db: Db,
  posts: PostVersions[],
  accountOf: (id: number | null) => number,
) {
  const inserts: (RevisionValues & { versionId: number })[] = [];
  const gone: number[] = [];
  let unchanged = 0;
  let updated = 0;
  for (const post of posts) {
    const wanted = revisionsFrom(post, accountOf);
    const edited = editedInHearth(post.stored);
    const kept = new Set<number>();
    for (const revision of post.stored) {
      if (revision.versionId === null) continue;
      const values = wanted.get(revision.versionId);
      if (!values) {
        gone.push(revision.id);
        continue;
      }
      kept.add(revision.versionId);
      if (sameValues(revision, values)) unchanged += 1;
      else {
        await db.update(postRevisions).set(values).where(eq(postRevisions.id, revision.id));
        updated += 1;
      }
    }
    if (edited) continue;
    for (const [versionId, values] of wanted) if (!kept.has(versionId)) inserts.push({ versionId, ...values });
  }
  if (gone.length > 0) {
    await db.delete(postRevisions).where(inArray(postRevisions.id, gone));
    await dropRecords(db, ctx.site, "revision", gone);
  }
  for (const piece of statementPieces(inserts)) {
    const made = await db
      .insert(postRevisions)
      .values(piece.map(({ versionId: _, ...row }) => row))
      .returning({ id: postRevisions.id, postId: postRevisions.postId, editedAt: postRevisions.editedAt });
    // Matched back by post and time (never by position): which of two same-time edits of one post
    // is which does not matter, the set per post does.
    const pending = new Map<string, number[]>();
    piece.forEach((row) => {
      const key = `${row.postId} ${row.editedAt.getTime()}`;
      pending.set(key, [...(pending.get(key) ?? []), row.versionId]);
    });
    await saveRecords(
      db,
      ctx.site,
      "revision",
      made.map((revision) => ({
        sourceId: pending.get(`${revision.postId} ${revision.editedAt.getTime()}`)!.shift()!,
        targetId: revision.id,
        contentHash: "",
      })),
      ctx.at,
    );
  }
  tally(ctx, "revisions", "imported", inserts.length);
  tally(ctx, "revisions", "updated", updated);
  tally(ctx, "revisions", "unchanged", unchanged);
  tally(ctx, "revisions", "removed", gone.length);
}
