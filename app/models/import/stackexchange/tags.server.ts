/**
 * Tags.xml and the tags posts name: a Hearth tag per name (an existing tag of that name is reused,
 * not duplicated). Tag wiki posts (PostTypeId 4/5) are not imported (Posts.xml counts them skipped).
 */
import { inArray } from "drizzle-orm";
import { tags } from "../../../../db/schema";
import type { Db } from "~/lib/db.server";
import { importFile, tally, type ImportContext } from "./context.server";
import { saveRecords } from "./records.server";
import { sourceInt } from "./source-values";
import type { SourceRow } from "./xml-rows.server";

const KNOWN = new Set(["Id", "TagName", "Count", "ExcerptPostId", "WikiPostId", "IsModeratorOnly", "IsRequired"]);

/** Hearth tag ids of these names, making the tags that do not exist yet (a post may name a tag Tags.xml lacks). */
export async function tagIdsOf(ctx: ImportContext, db: Db, names: string[]) {
  const wanted = [...new Set(names)];
  const ids = new Map<string, number>();
  if (wanted.length === 0) return ids;
  const existing = await db.select({ id: tags.id, name: tags.name }).from(tags).where(inArray(tags.name, wanted));
  for (const tag of existing) ids.set(tag.name, tag.id);
  const missing = wanted.filter((name) => !ids.has(name));
  if (missing.length > 0) {
    const made = await db
      .insert(tags)
      .values(missing.map((name) => ({ name })))
      .returning({ id: tags.id, name: tags.name });
    for (const tag of made) ids.set(tag.name, tag.id);
    tally(ctx, "tags", "imported", made.length);
  }
  return ids;
}

async function writeTags(ctx: ImportContext, db: Db, rows: SourceRow[]) {
  const named = rows.flatMap(({ attributes: a }) => {
    const sourceId = sourceInt(a.Id);
    const name = a.TagName?.trim().toLowerCase();
    return sourceId !== null && name ? [{ sourceId, name }] : [];
  });
  const before = ctx.summary.counts.get("tags")?.imported ?? 0;
  const ids = await tagIdsOf(
    ctx,
    db,
    named.map((tag) => tag.name),
  );
  tally(ctx, "tags", "unchanged", named.length - ((ctx.summary.counts.get("tags")?.imported ?? 0) - before));
  await saveRecords(
    db,
    ctx.site,
    "tag",
    named.map((tag) => ({ sourceId: tag.sourceId, targetId: ids.get(tag.name)!, contentHash: tag.name })),
    ctx.at,
  );
}

export async function importTags(ctx: ImportContext) {
  return importFile(ctx, "Tags.xml", { known: KNOWN, batchSize: 1_000, write: (db, rows) => writeTags(ctx, db, rows) });
}
