/**
 * Every badge, what earns it, and how notable it is: the one place badge rules live (shared with the
 * browser bundle for names and tiers). The awarding job (awarding.server.ts) gathers each person's
 * facts from public content only (visible posts in visible threads, public articles) and asks
 * `earnedBadges` what they have earned; badges already held are kept (DECISIONS.md #78).
 */

export type BadgeTier = "gold" | "silver" | "bronze";

export type BadgeDefinition = {
  key: string;
  name: string;
  description: string;
  tier: BadgeTier;
  /** Earned once per tag (its name is the tag's). */
  perTag?: boolean;
};

/** Accepted answers needed in one tag for its bronze, silver and gold badge. */
export const TAG_BADGE_THRESHOLDS = { bronze: 5, silver: 20, gold: 50 } as const;
export const GOOD_QUESTION_SCORE = 10;
export const QUICK_ANSWER_MS = 60 * 60_000;
export const VISIT_STREAK_DAYS = 30;
const ACCEPTED_MILESTONES = [10, 50, 100] as const;

/** Most notable first: a thread shows the first one or two a person holds. */
export const BADGES = [
  {
    key: "accepted-100",
    name: "Pillar",
    description: "100 answers accepted by the people who asked.",
    tier: "gold",
  },
  {
    key: "tag-gold",
    name: "Tag expert",
    description: `${TAG_BADGE_THRESHOLDS.gold} accepted answers in one tag.`,
    tier: "gold",
    perTag: true,
  },
  {
    key: "accepted-50",
    name: "Trusted helper",
    description: "50 answers accepted by the people who asked.",
    tier: "silver",
  },
  {
    key: "tag-silver",
    name: "Tag regular",
    description: `${TAG_BADGE_THRESHOLDS.silver} accepted answers in one tag.`,
    tier: "silver",
    perTag: true,
  },
  {
    key: "accepted-10",
    name: "Helper",
    description: "10 answers accepted by the people who asked.",
    tier: "bronze",
  },
  {
    key: "tag-bronze",
    name: "Tag helper",
    description: `${TAG_BADGE_THRESHOLDS.bronze} accepted answers in one tag.`,
    tier: "bronze",
    perTag: true,
  },
  {
    key: "verified",
    name: "Verified",
    description: "Wrote an answer that staff verified as the solution.",
    tier: "bronze",
  },
  {
    key: "quick-answer",
    name: "Quick helper",
    description: "Answered within an hour of the question, and that answer was accepted or verified.",
    tier: "bronze",
  },
  {
    key: "good-question",
    name: "Good question",
    description: `Asked a question with a score of ${GOOD_QUESTION_SCORE} or more.`,
    tier: "bronze",
  },
  {
    key: "article-improver",
    name: "Article improver",
    description:
      "Told us why a knowledge-base article did not help, and the article was revised after it, for every reader.",
    tier: "bronze",
  },
  {
    key: "visits-30",
    name: "Regular",
    description: `Visited on ${VISIT_STREAK_DAYS} days in a row.`,
    tier: "bronze",
  },
  {
    key: "first-accepted",
    name: "Problem solver",
    description: "Had a first answer accepted by the person who asked.",
    tier: "bronze",
  },
  {
    key: "first-answer",
    name: "First answer",
    description: "Posted a first answer.",
    tier: "bronze",
  },
] as const satisfies readonly BadgeDefinition[];

export type BadgeKey = (typeof BADGES)[number]["key"];
export const BADGE_KEYS = BADGES.map((badge) => badge.key) as BadgeKey[];

const byKey = new Map<string, BadgeDefinition>(BADGES.map((badge) => [badge.key, badge]));
const notabilityOf = new Map<string, number>(BADGES.map((badge, index) => [badge.key, index]));

export function badgeDefinition(key: string): BadgeDefinition | undefined {
  return byKey.get(key);
}

/** A held badge: its key, and its tag for a tag badge ("" otherwise). */
export type HeldBadge = { key: string; tag: string };

/** Most notable first; among one tag badge's holdings, alphabetical by tag. */
export function byNotability(a: HeldBadge, b: HeldBadge) {
  const order = (notabilityOf.get(a.key) ?? BADGES.length) - (notabilityOf.get(b.key) ?? BADGES.length);
  return order !== 0 ? order : a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** A number that changes when the order of notability does (the job then rewrites every standing). */
export function notabilityVersion() {
  let hash = 0x811c9dc5;
  for (const char of BADGE_KEYS.join(",")) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x7fffffff;
}

/** One public answer of the person that the asker accepted or staff verified (not the author themselves). */
export type SolvedAnswer = {
  postId: number;
  createdAt: Date;
  questionCreatedAt: Date;
  /** When it was accepted (null: not accepted). */
  acceptedAt: Date | null;
  verifiedAt: Date | null;
  tags: string[];
};

/** What the rules read of one person, all of it from public content. */
export type BadgeFacts = {
  /** Their first public answer. */
  firstAnswerId: number | null;
  solvedAnswers: SolvedAnswer[];
  /** Their first public question with a score of GOOD_QUESTION_SCORE or more. */
  goodQuestionId: number | null;
  /** Days (since 1970-01-01, UTC) on which they visited, ascending. */
  visitDays: number[];
  /** Public articles revised after the person said, with a comment, that they did not help. */
  improvedArticles: number;
};

export type EarnedBadge = HeldBadge & { postId: number | null };

/** The longest run of consecutive days in an ascending list. */
export function longestStreak(days: number[]) {
  let longest = 0;
  let current = 0;
  for (let i = 0; i < days.length; i++) {
    current = i > 0 && days[i] === days[i - 1] + 1 ? current + 1 : 1;
    longest = Math.max(longest, current);
  }
  return longest;
}

/** Every badge `facts` earn, each with the post that earned it where one did. */
export function earnedBadges(facts: BadgeFacts): EarnedBadge[] {
  const earned: EarnedBadge[] = [];
  const award = (key: string, postId: number | null, tag = "") => earned.push({ key, tag, postId });

  if (facts.firstAnswerId !== null) award("first-answer", facts.firstAnswerId);
  // The Nth accepted answer earns the Nth-answer badge: in the order they were accepted.
  const accepted = facts.solvedAnswers
    .filter((answer) => answer.acceptedAt !== null)
    .sort((a, b) => a.acceptedAt!.getTime() - b.acceptedAt!.getTime() || a.postId - b.postId);
  if (accepted.length > 0) award("first-accepted", accepted[0].postId);
  for (const count of ACCEPTED_MILESTONES) {
    if (accepted.length >= count) award(`accepted-${count}`, accepted[count - 1].postId);
  }
  const verified = facts.solvedAnswers
    .filter((answer) => answer.verifiedAt !== null)
    .sort((a, b) => a.verifiedAt!.getTime() - b.verifiedAt!.getTime() || a.postId - b.postId);
  if (verified.length > 0) award("verified", verified[0].postId);
  const quick = facts.solvedAnswers
    .filter((answer) => answer.createdAt.getTime() - answer.questionCreatedAt.getTime() <= QUICK_ANSWER_MS)
    .sort((a, b) => a.postId - b.postId);
  if (quick.length > 0) award("quick-answer", quick[0].postId);

  const acceptedInTag = new Map<string, number[]>();
  for (const answer of accepted) {
    for (const tag of answer.tags) acceptedInTag.set(tag, [...(acceptedInTag.get(tag) ?? []), answer.postId]);
  }
  for (const [tag, postIds] of acceptedInTag) {
    for (const tier of ["bronze", "silver", "gold"] as const) {
      const needed = TAG_BADGE_THRESHOLDS[tier];
      if (postIds.length >= needed) award(`tag-${tier}`, postIds[needed - 1], tag);
    }
  }

  if (facts.goodQuestionId !== null) award("good-question", facts.goodQuestionId);
  if (facts.improvedArticles > 0) award("article-improver", null);
  if (longestStreak(facts.visitDays) >= VISIT_STREAK_DAYS) award("visits-30", null);
  return earned;
}

/** Days since 1970-01-01 in UTC: visits are counted per UTC day. */
export function utcDay(at: Date) {
  return Math.floor(at.getTime() / 86_400_000);
}

/** A badge's page; a tag badge's page for one tag. */
export function badgePath(key: string, tag = "") {
  return tag ? `/badges/${key}/${encodeURIComponent(tag)}` : `/badges/${key}`;
}
