/** Loyalty points and rewards: who earns, who redeems what, who runs the catalogue and the queue. */
import type { RewardAudience, Role } from "../../../db/schema";
import { isStaffRole } from "../roles";
import { canWrite, isActiveStaff, isSignedIn, isStaff, type Actor } from "./actors.server";
import { canManageModerationSettings } from "./moderation.server";

/** Staff and admins earn no points: the programme rewards the community, not the people paid to help. */
export function earnsLoyaltyPoints(role: Role) {
  return !isStaffRole(role);
}

/** The rewards page (balance, catalogue, redemptions) is each signed-in person's own. */
export function canViewRewards(actor: Actor) {
  return isSignedIn(actor);
}

/** Redeeming: a signed-in, unsuspended non-staff person; a customers-only reward needs the customer role. */
export function canRedeemReward(actor: Actor, reward: { audience: RewardAudience }) {
  if (!canWrite(actor) || isStaff(actor)) return false;
  return reward.audience === "everyone" || actor.role === "customer";
}

/** The catalogue, its codes, the share of reputation earned and adjustments to points: admins only. */
export function canManageRewards(actor: Actor) {
  return canManageModerationSettings(actor);
}

/** Staff fulfil or cancel redemptions (and see the codes handed out, to help with them). */
export function canWorkRedemptions(actor: Actor) {
  return isActiveStaff(actor);
}

/** A person's points balance and history: theirs, and staff's to see. */
export function canSeeLoyaltyPoints(actor: Actor, owner: { id: number }) {
  return isStaff(actor) || (isSignedIn(actor) && actor.id === owner.id);
}

/** A discount code is its redeemer's alone (staff see it in the queue); nobody else ever. */
export function canSeeRewardCode(actor: Actor, redemption: { userId: number }) {
  return isStaff(actor) || (isSignedIn(actor) && actor.id === redemption.userId);
}
