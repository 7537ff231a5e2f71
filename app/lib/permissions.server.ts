/**
 * The one place that answers "may this actor do this to that".
 * Predicates are pure (no database access) so they can be tested as a table, role by role; models
 * call `ensure` with them before every change, and pages get ready-made flags from `capabilities`.
 * The visitor is a real actor, so no caller needs to special-case "not signed in".
 * The rules live in one file per area under ./permissions/; this module is how everything else
 * imports them.
 */
export {
  ensure,
  ensureSignedIn,
  isCustomer,
  isSignedIn,
  isStaff,
  isSuspended,
  readerKind,
  staffRoleCondition,
  VISITOR,
  type Actor,
  type Member,
  type Visitor,
} from "./permissions/actors.server";
export { isStaffRole, STAFF_ROLES } from "./roles";
export * from "./permissions/accounts.server";
export * from "./permissions/capabilities.server";
export * from "./permissions/community.server";
export * from "./permissions/kb.server";
export * from "./permissions/moderation.server";
export * from "./permissions/notifications.server";
export * from "./permissions/reputation.server";
export * from "./permissions/support.server";
export * from "./permissions/trust.server";
export * from "./permissions/rewards.server";
