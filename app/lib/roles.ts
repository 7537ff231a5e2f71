/**
 * Who counts as staff, for the server and the browser alike (a badge is drawn in both). The
 * permission module builds its decisions and its SQL on this; nothing else restates the list.
 */
import type { Role } from "../../db/schema";

/** Admins are staff with more rights: everything staff may do, they may too. */
export const STAFF_ROLES = ["staff", "admin"] as const satisfies readonly Role[];

export const isStaffRole = (role: string): boolean => (STAFF_ROLES as readonly string[]).includes(role);
