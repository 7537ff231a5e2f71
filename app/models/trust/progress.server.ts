/**
 * What a profile says of its owner's trust level: the level to everyone (levels are public, as the
 * privileges page is), and to the owner alone how far they are from the next one and what it
 * unlocks (their standing's figures are theirs).
 */
import { eq } from "drizzle-orm";
import { users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, read } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { canViewUserProfile, ensure, isSignedIn, trustLevelFor, type Actor } from "~/lib/permissions.server";
import {
  EARNED_LEVELS,
  levelName,
  PRIVILEGES,
  THRESHOLD_FIELDS,
  TRUST,
  TRUST_LEVEL_LABELS,
  type LevelThreshold,
} from "~/lib/trust-levels";
import { approvedPostsUpTo, DAY_MS, postsCap } from "./levels.server";
import { getTrustThresholds } from "./thresholds.server";

export async function getTrustProgress(actor: Actor, username: string) {
  ensure(canViewUserProfile(actor));
  const thresholds = await getTrustThresholds();
  const person = firstRow(
    await read((db) =>
      db
        .select({
          id: users.id,
          role: users.role,
          reputation: users.reputation,
          createdAt: users.createdAt,
          trustLevel: users.trustLevel,
          posts: approvedPostsUpTo(postsCap(thresholds)),
        })
        .from(users)
        .where(eq(users.username, username.toLowerCase())),
    ),
  );
  if (!person) throw new NotFoundError("There is no member with that name.");
  const level = trustLevelFor(person.role, person.trustLevel);
  const current = { level: levelName(level), label: TRUST_LEVEL_LABELS[levelName(level)] };
  const own = isSignedIn(actor) && actor.id === person.id;
  if (!own || level === TRUST.leader) return { ...current, own, next: null };
  const nextName = EARNED_LEVELS[level];
  const standing: LevelThreshold = {
    reputation: person.reputation,
    days: Math.floor((now().getTime() - person.createdAt.getTime()) / DAY_MS),
    posts: Number(person.posts),
  };
  const needs = (Object.keys(THRESHOLD_FIELDS) as (keyof LevelThreshold)[]).map((field) => ({
    field,
    label: THRESHOLD_FIELDS[field],
    have: standing[field],
    need: thresholds[nextName][field],
  }));
  return {
    ...current,
    own,
    next: {
      level: nextName,
      label: TRUST_LEVEL_LABELS[nextName],
      needs,
      unlocks: PRIVILEGES.filter((privilege) => privilege.level === nextName).map((privilege) => privilege.label),
    },
  };
}
