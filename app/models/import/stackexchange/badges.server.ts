/**
 * Badges.xml: badges earned on the source site, kept as imported_badges rows of their own ("earned
 * on <site>"), apart from Hearth's badges, whose rules and notability are Hearth's (DECISIONS.md #82).
 */
import { eq } from "drizzle-orm";
import { importedBadges } from "../../../../db/schema";
import type { Db } from "~/lib/db.server";
import { importFile, skip, tally, type ImportContext } from "./context.server";
import { contentHash, recordedRows, writeRecorded } from "./records.server";
import { badgeTier, sourceDate, sourceInt } from "./source-values";
import type { SourceRow } from "./xml-rows.server";

const KNOWN = new Set(["Id", "UserId", "Name", "Date", "Class", "TagBased"]);

async function writeBadges(ctx: ImportContext, db: Db, rows: SourceRow[]) {
  const badges = rows.flatMap(({ attributes: a }) => {
    const sourceId = sourceInt(a.Id);
    const userId = sourceInt(a.UserId);
    if (sourceId === null || userId === null || !a.Name) {
      skip(ctx, "badges", "Badges.xml: a row without Id, UserId or Name");
      return [];
    }
    return [{ sourceId, userId, a, hash: contentHash(a) }];
  });
  const known = await recordedRows(
    db,
    ctx.site,
    "badge",
    badges.map((badge) => badge.sourceId),
  );
  const changed = badges.filter((badge) => known.get(badge.sourceId)?.contentHash !== badge.hash);
  tally(ctx, "badges", "unchanged", badges.length - changed.length);
  if (changed.length === 0) return;
  const holders = await recordedRows(
    db,
    ctx.site,
    "user",
    changed.map((badge) => badge.userId),
  );
  const placed = changed.flatMap((badge) => {
    const userId = holders.get(badge.userId)?.targetId;
    if (userId === undefined) {
      skip(ctx, "badges", "Badges.xml: a badge of a user the dump does not have");
      return [];
    }
    const values = {
      userId,
      site: ctx.site,
      name: badge.a.Name,
      tier: badgeTier(badge.a.Class),
      tagBased: badge.a.TagBased === "True",
      awardedAt: sourceDate(badge.a.Date) ?? ctx.at,
    };
    return [{ sourceId: badge.sourceId, hash: badge.hash, values }];
  });
  const key = (row: { userId: number; name: string; awardedAt: Date }) =>
    `${row.userId} ${row.name} ${row.awardedAt.getTime()}`;
  const written = await writeRecorded(db, ctx.site, ctx.at, {
    kind: "badge",
    rows: placed,
    known,
    key,
    update: (id, values) => db.update(importedBadges).set(values).where(eq(importedBadges.id, id)),
    insert: async (values) =>
      (
        await db.insert(importedBadges).values(values).returning({
          id: importedBadges.id,
          userId: importedBadges.userId,
          name: importedBadges.name,
          awardedAt: importedBadges.awardedAt,
        })
      ).map((row) => ({ id: row.id, key: key(row) })),
  });
  tally(ctx, "badges", "imported", written.imported);
  tally(ctx, "badges", "updated", written.updated);
}

export async function importBadges(ctx: ImportContext) {
  return importFile(ctx, "Badges.xml", {
    known: KNOWN,
    batchSize: 1_000,
    write: (db, rows) => writeBadges(ctx, db, rows),
  });
}
