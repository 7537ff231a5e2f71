/**
 * Trust levels (DECISIONS.md #77): the level a person acts at, how a standing earns one, and what
 * each level unlocks. Staff and admins act at the top level; customers, whom the company vouches
 * for, at least at "basic". Pure, like every rule here: the level an actor carries was stored by
 * app/models/trust/ and read with their session.
 */
import { EARNED_LEVELS, TRUST, type LevelThreshold, type TrustLevel, type TrustThresholds } from "../trust-levels";
import type { Role } from "../../../db/schema";
import { isStaffRole } from "../roles";
import { canWrite, isActiveStaff, isSignedIn, owns, type Actor, type OwnedPost } from "./actors.server";

/** The level the actor acts at: what they earned, raised by their role. */
export function trustLevelOf(actor: Actor): TrustLevel {
  return isSignedIn(actor) ? trustLevelFor(actor.role, actor.trustLevel) : TRUST.new;
}

/** `trustLevelOf` for a person who is not the actor (a flagger, a profile's owner). */
export function trustLevelFor(role: Role, earned: TrustLevel): TrustLevel {
  if (isStaffRole(role)) return TRUST.leader;
  if (role === "customer") return Math.max(earned, TRUST.basic) as TrustLevel;
  return earned;
}

/** What a level is computed from: reputation, whole days since sign-up and approved (visible) posts. */
export type TrustStanding = LevelThreshold;

const meets = (standing: TrustStanding, threshold: LevelThreshold) =>
  standing.reputation >= threshold.reputation && standing.days >= threshold.days && standing.posts >= threshold.posts;

/**
 * The level a standing earns: the highest whose thresholds it meets (each level's include the one
 * below's). Levels up to "member" are kept once reached, as Discourse keeps its first two: a
 * downvote or a hidden post does not send someone back to review. Regular and leader follow the
 * standing both ways, so privileges over others' content last only while it is earned.
 */
export function earnedTrustLevel(
  standing: TrustStanding,
  thresholds: TrustThresholds,
  previous: TrustLevel,
): TrustLevel {
  let earned: TrustLevel = TRUST.new;
  for (const level of EARNED_LEVELS) {
    if (!meets(standing, thresholds[level])) break;
    earned = TRUST[level];
  }
  return Math.max(earned, Math.min(previous, TRUST.member)) as TrustLevel;
}

const atLeast = (actor: Actor, level: TrustLevel) => trustLevelOf(actor) >= level;

/** Below "basic", a post waits for staff to approve it. */
export function canPostWithoutReview(actor: Actor) {
  return canWrite(actor) && atLeast(actor, TRUST.basic);
}

/** Links and images are the usual shape of spam from fresh accounts: from "basic" on. */
export function canPostLinksAndImages(actor: Actor) {
  return canWrite(actor) && atLeast(actor, TRUST.basic);
}

/** Voting down costs its target reputation: from "member" on (on posts `canVoteOnPost` allows). */
export function canVoteDown(actor: Actor) {
  return canWrite(actor) && atLeast(actor, TRUST.member);
}

/** How much one flag from someone at `level` counts toward `flagHideThreshold`: more from people the community has come to trust. */
export function flagWeightAt(level: TrustLevel) {
  return level >= TRUST.regular ? 3 : level >= TRUST.member ? 2 : 1;
}

/** Staff, and regulars, change the tags of any thread they may see. */
export function canRetagThread(actor: Actor) {
  return isActiveStaff(actor) || (canWrite(actor) && atLeast(actor, TRUST.regular));
}

/** Regulars edit others' posts straight away (below, a later change reviews suggested edits). */
export function canEditOthersPostsDirectly(actor: Actor, post: OwnedPost) {
  return canWrite(actor) && !owns(actor, post) && atLeast(actor, TRUST.regular);
}

/** Leaders may vote to close a question (the votes themselves are a later change). */
export function canVoteToClose(actor: Actor) {
  return canWrite(actor) && atLeast(actor, TRUST.leader);
}
