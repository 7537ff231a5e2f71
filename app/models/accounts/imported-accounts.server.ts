/**
 * What a profile shows of an account made by an import: the sites it came from, the badges it earned
 * there (apart from Hearth's own), and whether its owner may still claim it. An imported account has
 * no usable password: its owner claims it with a reset link sent to its address (DECISIONS.md #81).
 * The site's "deleted user" stand-in is nobody's to claim.
 */
import { and, asc, count, eq, sql } from "drizzle-orm";
import { DELETED_USER_SOURCE_ID, importedBadges, importRecords, users } from "../../../db/schema";
import { read } from "~/lib/db.server";
import { canViewUserProfile, ensure, type Actor } from "~/lib/permissions.server";

/** The account's imported past, or null for an account made here. Two queries. */
export async function importedAccountOf(actor: Actor, userId: number) {
  ensure(canViewUserProfile(actor));
  return read(async (db) => {
    const records = await db
      .select({ site: importRecords.site, sourceId: importRecords.sourceId, lastSeenAt: users.lastSeenAt })
      .from(importRecords)
      .innerJoin(users, eq(users.id, importRecords.targetId))
      .where(and(eq(importRecords.kind, "user"), eq(importRecords.targetId, userId)))
      .orderBy(asc(importRecords.site));
    if (records.length === 0) return null;
    // The same badge earned many times is one line with its count, so the list stays short.
    const badges = await db
      .select({
        site: importedBadges.site,
        name: importedBadges.name,
        tier: importedBadges.tier,
        times: count(),
      })
      .from(importedBadges)
      .where(eq(importedBadges.userId, userId))
      .groupBy(importedBadges.site, importedBadges.name, importedBadges.tier)
      .orderBy(
        asc(importedBadges.site),
        sql`CASE ${importedBadges.tier} WHEN 'gold' THEN 0 WHEN 'silver' THEN 1 ELSE 2 END`,
        asc(importedBadges.name),
      );
    const standIn = records.every((record) => record.sourceId === DELETED_USER_SOURCE_ID);
    return {
      sites: records.map((record) => record.site),
      badges: badges.map((badge) => ({ ...badge, times: Number(badge.times) })),
      // Never signed in: nobody has claimed it yet.
      claimable: !standIn && records[0].lastSeenAt === null,
    };
  });
}
