import { isStaffRole } from "~/lib/roles";

/** "Staff" beside the name of someone on the team (staff or admin). */
export function StaffBadge({ role }: { role: string }) {
  return isStaffRole(role) ? <span className="badge badge-staff">Staff</span> : null;
}
