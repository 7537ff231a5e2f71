/**
 * Reading badges: every badge with how many hold it, a badge's holders, a person's badges. Badges
 * are public, like the profiles they belong to (`canViewUserProfile`); a definition that is no
 * longer in rules.ts is not shown.
 */
import { and, asc, count, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { badgeAwards, users } from "../../../db/schema";
import { read } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { canViewUserProfile, ensure, type Actor } from "~/lib/permissions.server";
import { BADGES, badgeDefinition, byNotability } from "./rules";

const HOLDERS_PER_PAGE = 50;

/** Every badge, most notable first, with its number of holders (for a tag badge, per tag too). */
export async function listBadges(actor: Actor) {
  ensure(canViewUserProfile(actor));
  const rows = await read((db) =>
    db
      .select({ key: badgeAwards.badgeKey, tag: badgeAwards.tag, holders: count() })
      .from(badgeAwards)
      .groupBy(badgeAwards.badgeKey, badgeAwards.tag),
  );
  return BADGES.map((badge) => {
    const mine = rows.filter((row) => row.key === badge.key);
    return {
      key: badge.key,
      name: badge.name,
      description: badge.description,
      tier: badge.tier,
      perTag: "perTag" in badge,
      holders: mine.reduce((sum, row) => sum + row.holders, 0),
      tags: mine
        .filter((row) => row.tag !== "")
        .map(({ tag, holders }) => ({ tag, holders }))
        .sort((a, b) => b.holders - a.holders || (a.tag < b.tag ? -1 : 1)),
    };
  });
}

const holdersQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

/** Who holds badge `key` (for a tag badge, in `tag`, or in any tag when none is given), newest first. */
export async function badgeHolders(actor: Actor, key: string, tag: string | undefined, query: unknown) {
  ensure(canViewUserProfile(actor));
  const badge = badgeDefinition(key);
  if (!badge || (tag !== undefined && !badge.perTag)) throw new NotFoundError("There is no such badge.");
  const { page } = holdersQuerySchema.parse(query);
  const which = and(eq(badgeAwards.badgeKey, key), tag === undefined ? undefined : eq(badgeAwards.tag, tag));
  const rows = await read((db) =>
    db
      .select({
        username: users.username,
        reputation: users.reputation,
        tag: badgeAwards.tag,
        awardedAt: badgeAwards.awardedAt,
      })
      .from(badgeAwards)
      .innerJoin(users, eq(users.id, badgeAwards.userId))
      .where(which)
      .orderBy(desc(badgeAwards.awardedAt), desc(badgeAwards.id))
      .limit(HOLDERS_PER_PAGE + 1)
      .offset((page - 1) * HOLDERS_PER_PAGE),
  );
  return {
    badge: { ...badge, perTag: Boolean(badge.perTag) },
    tag: tag ?? null,
    holders: rows.slice(0, HOLDERS_PER_PAGE),
    page,
    hasNextPage: rows.length > HOLDERS_PER_PAGE,
  };
}

/** A person's badges, most notable first. */
export async function badgesOf(actor: Actor, userId: number) {
  ensure(canViewUserProfile(actor));
  const rows = await read((db) =>
    db
      .select({ key: badgeAwards.badgeKey, tag: badgeAwards.tag, awardedAt: badgeAwards.awardedAt })
      .from(badgeAwards)
      .where(eq(badgeAwards.userId, userId))
      .orderBy(asc(badgeAwards.awardedAt)),
  );
  return rows.filter((row) => badgeDefinition(row.key)).sort(byNotability);
}
