/**
 * The addresses imported content had on its source site (`/q/<id>`, `/a/<id>`,
 * `/questions/<id>/<slug>`, `/users/<id>/<name>`), found through import_records, so old links land
 * on the thread, answer or profile made from them. Invariants (DECISIONS.md #81):
 * - never an address the reader may not see: threads and posts are filtered by the permission
 *   module's SQL twins, so a hidden one is "not found", as it is on its own page;
 * - the same source id on several imported sites: the one whose slug matches, else the most recent import;
 * - each lookup is one query, a few index probes: import_records is keyed by (site, kind, source_id), so
 *   the imported sites are walked first (one probe per site) and each is probed for the id.
 */
import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { posts, threads, users, type ImportKind } from "../../../db/schema";
import { rawRows, read } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { visiblePostsCondition, visibleThreadsCondition, type Actor } from "~/lib/permissions.server";
import { getThreadPage } from "./thread-page.server";

type Recorded = { targetId: number; importedAt: number };

/**
 * The rows made from source id `sourceId` of `kind` on any imported site, joined to `target` (its
 * Hearth row, as `select`), where `condition` holds. The sites are found by a loose index scan
 * (each next site name by one probe of the primary key), which both engines run in a few probes.
 */
function recordedRows<Row>(kind: ImportKind, sourceId: number, select: SQL, target: SQL, condition: SQL) {
  return read((db) =>
    rawRows<Row & Recorded>(
      db,
      sql`WITH RECURSIVE sites(site) AS (
        SELECT min(site) FROM import_records
        UNION ALL
        SELECT (SELECT min(next.site) FROM import_records next WHERE next.site > sites.site) FROM sites WHERE sites.site IS NOT NULL
      )
      SELECT ir.target_id AS "targetId", ir.imported_at AS "importedAt", ${select}
      FROM sites
      JOIN import_records ir ON ir.site = sites.site AND ir.kind = ${kind} AND ir.source_id = ${sourceId}
      ${target}
      WHERE ${condition}`,
    ),
  );
}

const newestFirst = (a: Recorded, b: Recorded) => b.importedAt - a.importedAt || b.targetId - a.targetId;

/**
 * The imported thread that was the source's question `sourceId`, which the actor may see: the one
 * whose slug is `slug`, else the most recently imported.
 */
export async function importedThreadAt(actor: Actor, sourceId: number, slug?: string) {
  const t = alias(threads, "target_thread");
  const rows = await recordedRows<{ id: number; slug: string }>(
    "thread",
    sourceId,
    sql`${t.id} AS "id", ${t.slug} AS "slug"`,
    sql`JOIN threads ${t} ON ${t.id} = ir.target_id`,
    visibleThreadsCondition(actor, t),
  );
  const [best] = rows.sort((a, b) => Number(b.slug === slug) - Number(a.slug === slug) || newestFirst(a, b));
  return best ? { id: best.id, slug: best.slug } : null;
}

/** The imported post that was the source's post `sourceId` (an answer, or a question), which the actor may see. */
export async function importedPostAt(actor: Actor, sourceId: number) {
  const p = alias(posts, "target_post");
  const t = alias(threads, "target_thread");
  const rows = await recordedRows<{ postId: number; threadId: number; slug: string }>(
    "post",
    sourceId,
    sql`${p.id} AS "postId", ${t.id} AS "threadId", ${t.slug} AS "slug"`,
    sql`JOIN posts ${p} ON ${p.id} = ir.target_id JOIN threads ${t} ON ${t.id} = ${p.threadId}`,
    visiblePostsCondition(actor, p) ?? sql`1 = 1`,
  );
  const [best] = rows.sort(newestFirst);
  return best ? { postId: best.postId, thread: { id: best.threadId, slug: best.slug } } : null;
}

/** The profile made from the source's user `sourceId` (profiles are public). */
export async function importedProfileAt(sourceId: number) {
  const u = alias(users, "target_user");
  const rows = await recordedRows<{ username: string }>(
    "user",
    sourceId,
    sql`${u.username} AS "username"`,
    sql`JOIN users ${u} ON ${u.id} = ir.target_id`,
    sql`1 = 1`,
  );
  const [best] = rows.sort(newestFirst);
  return best ? { username: best.username } : null;
}

/**
 * What `/questions/<threadId>/<slug>` shows, where Hearth's threads and an imported site's old
 * addresses share one form: the Hearth thread with that id and slug; else the imported thread that
 * was question `threadId` on its site (only when a slug is given: Hearth's own short links,
 * `/questions/<id>`, have none); else, as before imports, the thread's canonical address or 404.
 */
export async function threadPageAt(actor: Actor, threadId: number, slug: string | undefined, answersPage: number) {
  const found = await getThreadPage(actor, threadId, answersPage).catch((error: unknown) => {
    if (error instanceof NotFoundError) return error;
    throw error;
  });
  if (!(found instanceof NotFoundError) && found.thread.slug === slug) return { page: found };
  const imported = slug ? await importedThreadAt(actor, threadId, slug) : null;
  if (imported) return { movedTo: imported, sameThread: false };
  if (found instanceof NotFoundError) throw found;
  return { movedTo: { id: found.thread.id, slug: found.thread.slug }, sameThread: true };
}
