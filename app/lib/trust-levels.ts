/**
 * Trust levels, for the server and the browser alike: their names, the thresholds that reach each
 * one, the presets that fill those thresholds (after Apache Answer's lenient, moderate and strict),
 * and what each level unlocks. The permission module (permissions/trust.server.ts) decides with
 * these; pages describe them with the same lists, so the two never disagree. DECISIONS.md #77.
 */

export const TRUST_LEVELS = ["new", "basic", "member", "regular", "leader"] as const;
export type TrustLevelName = (typeof TRUST_LEVELS)[number];
/** A level as stored (users.trust_level): its index in TRUST_LEVELS. */
export type TrustLevel = 0 | 1 | 2 | 3 | 4;

export const TRUST = { new: 0, basic: 1, member: 2, regular: 3, leader: 4 } as const satisfies Record<
  TrustLevelName,
  TrustLevel
>;

export const TRUST_LEVEL_LABELS: Record<TrustLevelName, string> = {
  new: "New",
  basic: "Basic",
  member: "Member",
  regular: "Regular",
  leader: "Leader",
};

/** The levels a person earns (every level but "new", which everyone starts at). */
export const EARNED_LEVELS = ["basic", "member", "regular", "leader"] as const;
export type EarnedLevel = (typeof EARNED_LEVELS)[number];

/** What a level asks of a person's standing: each figure at least this much. */
export type LevelThreshold = { reputation: number; days: number; posts: number };
export type TrustThresholds = Record<EarnedLevel, LevelThreshold>;

export const THRESHOLD_FIELDS = {
  reputation: "Reputation",
  days: "Days since sign-up",
  posts: "Approved posts",
} as const satisfies Record<keyof LevelThreshold, string>;

const capitalized = (field: keyof LevelThreshold) => `${field[0].toUpperCase()}${field.slice(1)}`;
/** The form's (and trust_settings') name of one threshold: `memberReputation`. */
export const thresholdFieldName = (level: EarnedLevel, field: keyof LevelThreshold) =>
  `${level}${capitalized(field)}` as const;

export const TRUST_PRESETS = ["lenient", "moderate", "strict"] as const;
export type TrustPreset = (typeof TRUST_PRESETS)[number];

export const PRESET_THRESHOLDS: Record<TrustPreset, TrustThresholds> = {
  // Nobody's posts wait for review; privileges come early.
  lenient: {
    basic: { reputation: 0, days: 0, posts: 0 },
    member: { reputation: 15, days: 0, posts: 1 },
    regular: { reputation: 500, days: 7, posts: 10 },
    leader: { reputation: 2000, days: 30, posts: 30 },
  },
  // The first two posts wait for review, as before trust levels.
  moderate: {
    basic: { reputation: 0, days: 0, posts: 2 },
    member: { reputation: 125, days: 3, posts: 5 },
    regular: { reputation: 1000, days: 30, posts: 25 },
    leader: { reputation: 5000, days: 90, posts: 100 },
  },
  strict: {
    basic: { reputation: 10, days: 1, posts: 3 },
    member: { reputation: 250, days: 7, posts: 10 },
    regular: { reputation: 2000, days: 60, posts: 50 },
    leader: { reputation: 10000, days: 180, posts: 200 },
  },
};

export const DEFAULT_TRUST_PRESET: TrustPreset = "moderate";

/** The preset whose thresholds these are, or null when an admin tuned them by hand. */
export function presetOf(thresholds: TrustThresholds): TrustPreset | null {
  const same = (a: TrustThresholds, b: TrustThresholds) =>
    EARNED_LEVELS.every((level) =>
      (Object.keys(THRESHOLD_FIELDS) as (keyof LevelThreshold)[]).every((field) => a[level][field] === b[level][field]),
    );
  return TRUST_PRESETS.find((preset) => same(PRESET_THRESHOLDS[preset], thresholds)) ?? null;
}

/** What each level unlocks, in the order a person meets them; every entry is a predicate of permissions/trust.server.ts. */
export const PRIVILEGES = [
  { key: "postWithoutReview", level: "basic", label: "Post without waiting for review" },
  { key: "linksAndImages", level: "basic", label: "Put links and images in posts" },
  { key: "voteDown", level: "member", label: "Vote posts down" },
  { key: "flagWeight", level: "member", label: "Flags count double toward hiding a post" },
  { key: "retag", level: "regular", label: "Change the tags of anyone's question" },
  { key: "editOthers", level: "regular", label: "Edit anyone's posts directly" },
  { key: "flagWeightRegular", level: "regular", label: "Flags count triple toward hiding a post" },
  { key: "voteToClose", level: "leader", label: "Vote to close questions" },
] as const satisfies readonly { key: string; level: EarnedLevel; label: string }[];
export type PrivilegeKey = (typeof PRIVILEGES)[number]["key"];

/** "Unlocked at the Member level": what a refused control says instead of a bare no. */
export function unlockedAt(key: PrivilegeKey) {
  const privilege = PRIVILEGES.find((entry) => entry.key === key)!;
  return `Unlocked at the ${TRUST_LEVEL_LABELS[privilege.level]} trust level (see /privileges).`;
}

export const levelName = (level: TrustLevel): TrustLevelName => TRUST_LEVELS[level];
