/**
 * How often the digest comes (shared with the browser bundle): a person's own choice, else their
 * role's default. This is the one place that default is decided; the digest job's SQL is built
 * from it (`effectiveDigestFrequencySql`).
 */
import type { DigestFrequency, Role } from "../../../db/schema";
import { isStaffRole } from "~/lib/roles";

const DAY_MS = 24 * 3600_000;

/** How long a person must have been away, and how far back a digest looks. */
export const DIGEST_PERIOD_MS = { daily: DAY_MS, weekly: 7 * DAY_MS } as const;

/** Weekly for the people the community serves; staff live in the queue and turn it on if they like. */
export function defaultDigestFrequency(role: Role): DigestFrequency {
  return isStaffRole(role) ? "off" : "weekly";
}

export function effectiveDigestFrequency(user: { role: Role; digestFrequency: DigestFrequency | null }) {
  return user.digestFrequency ?? defaultDigestFrequency(user.role);
}

export type { DigestFrequency };

/** The choices on the settings page, in the order shown. */
export const DIGEST_CHOICES = ["daily", "weekly", "off"] as const satisfies readonly DigestFrequency[];

export const DIGEST_FREQUENCY_LABELS: Record<DigestFrequency, string> = {
  daily: "Daily",
  weekly: "Weekly",
  off: "Never",
};
