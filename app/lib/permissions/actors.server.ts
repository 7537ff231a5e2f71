/**
 * Who is asking: the actor (the visitor is a real actor, so no caller special-cases "not signed
 * in"), their role and suspension, and `ensure`, which turns a predicate's "no" into a 403 or 404.
 */
import { inArray, type Column, type SQL } from "drizzle-orm";
import { type Role } from "../../../db/schema";
import { now } from "../clock.server";
import { ForbiddenError, NotFoundError } from "../errors.server";
import { isStaffRole, STAFF_ROLES } from "../roles";
import type { TrustLevel } from "../trust-levels";

export type Visitor = { kind: "visitor" };
/** `trustLevel` is the level they earned (users.trust_level); `trustLevelOf` adds what their role gives. */
export type Member = {
  kind: "user";
  id: number;
  username: string;
  role: Role;
  suspendedUntil: Date | null;
  trustLevel: TrustLevel;
};
export type Actor = Visitor | Member;

export const VISITOR: Visitor = { kind: "visitor" };

export type OwnedPost = { authorId: number };

export const isSignedIn = (actor: Actor): actor is Member => actor.kind === "user";
export const isStaff = (actor: Actor): boolean => isSignedIn(actor) && isStaffRole(actor.role);
export const isAdmin = (actor: Actor) => isSignedIn(actor) && actor.role === "admin";
export const owns = (actor: Actor, record: OwnedPost) => isSignedIn(actor) && actor.id === record.authorId;

/** A suspended account reads like anyone else but writes nothing until the suspension ends. */
export const isSuspended = (actor: Actor) =>
  isSignedIn(actor) && actor.suspendedUntil !== null && actor.suspendedUntil > now();
/** Signed in and not suspended: the condition of every write. */
export const canWrite = (actor: Actor): actor is Member => isSignedIn(actor) && !isSuspended(actor);
export const isActiveStaff = (actor: Actor) => isStaff(actor) && !isSuspended(actor);

/** `isStaffRole` in SQL, on a role column (`users.role`, or an alias's): for lists of staff and their posts. */
export function staffRoleCondition(role: Column): SQL {
  return inArray(role, [...STAFF_ROLES]);
}

/** Customers are the people the company serves; staff and admins read everything customers read. */
export const isCustomer = (actor: Actor): actor is Member => isSignedIn(actor) && actor.role !== "member";

/** Which form of a reading rule applies to `actor`: prepared queries keep one variant per kind. */
export const readerKind = (actor: Actor) => (isStaff(actor) ? "staff" : isSignedIn(actor) ? "member" : "visitor");

/** Throws a 403 (or a 404 when the subject's very existence is private) unless `allowed`. */
export function ensure(allowed: boolean, message = "You are not allowed to do that.", hideExistence = false) {
  if (allowed) return;
  throw hideExistence ? new NotFoundError() : new ForbiddenError(message);
}

export function ensureSignedIn(actor: Actor): asserts actor is Member {
  if (!isSignedIn(actor)) throw new ForbiddenError("Sign in to do that.");
}
