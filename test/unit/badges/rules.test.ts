import { describe, expect, it } from "vitest";
import {
  BADGES,
  byNotability,
  earnedBadges,
  longestStreak,
  notabilityVersion,
  type BadgeFacts,
  type SolvedAnswer,
} from "~/models/badges/rules";

const HOUR = 3_600_000;
const none: BadgeFacts = {
  firstAnswerId: null,
  solvedAnswers: [],
  goodQuestionId: null,
  visitDays: [],
  improvedArticles: 0,
};
const keys = (facts: Partial<BadgeFacts>) =>
  earnedBadges({ ...none, ...facts }).map((badge) => (badge.tag ? `${badge.key}:${badge.tag}` : badge.key));

function answers(count: number, overrides: Partial<SolvedAnswer> = {}): SolvedAnswer[] {
  return Array.from({ length: count }, (_, i) => ({
    postId: 1000 - i, // accepted in the opposite order of their ids
    createdAt: new Date(2 * HOUR),
    questionCreatedAt: new Date(0),
    acceptedAt: new Date(HOUR * (10 + i)),
    verifiedAt: null,
    tags: [],
    ...overrides,
  }));
}

describe("earnedBadges", () => {
  it("earns nothing from nothing", () => {
    expect(keys({})).toEqual([]);
  });

  it("earns the accepted-answer milestones at 10, 50 and 100, each for the Nth answer accepted", () => {
    expect(keys({ solvedAnswers: answers(9) })).toEqual(["first-accepted"]);
    expect(keys({ solvedAnswers: answers(10) })).toEqual(["first-accepted", "accepted-10"]);
    const hundred = earnedBadges({ ...none, solvedAnswers: answers(100) });
    expect(hundred.map((badge) => badge.key)).toEqual(["first-accepted", "accepted-10", "accepted-50", "accepted-100"]);
    expect(hundred.find((badge) => badge.key === "accepted-10")?.postId).toBe(991);
  });

  it("counts only accepted answers toward the milestones; verified ones earn Verified", () => {
    expect(keys({ solvedAnswers: answers(12, { acceptedAt: null, verifiedAt: new Date(HOUR) }) })).toEqual([
      "verified",
    ]);
  });

  it("earns Quick helper for an answer within the hour of its question, and not a minute later", () => {
    expect(keys({ solvedAnswers: answers(1, { createdAt: new Date(HOUR) }) })).toContain("quick-answer");
    expect(keys({ solvedAnswers: answers(1, { createdAt: new Date(HOUR + 60_000) }) })).not.toContain("quick-answer");
  });

  it("earns tag badges at 5, 20 and 50 accepted answers in one tag, per tag", () => {
    const inTags = [...answers(20, { tags: ["wifi", "ŝtraße"] }), ...answers(4, { tags: ["locks"] })];
    expect(keys({ solvedAnswers: inTags }).filter((key) => key.startsWith("tag-"))).toEqual([
      "tag-bronze:wifi",
      "tag-silver:wifi",
      "tag-bronze:ŝtraße",
      "tag-silver:ŝtraße",
    ]);
  });

  it("earns the first answer, a good question, an article improved and a 30-day streak", () => {
    expect(
      keys({
        firstAnswerId: 5,
        goodQuestionId: 9,
        improvedArticles: 1,
        visitDays: Array.from({ length: 30 }, (_, i) => 100 + i),
      }),
    ).toEqual(["first-answer", "good-question", "article-improver", "visits-30"]);
  });
});

describe("longestStreak", () => {
  it("finds the longest run of consecutive days", () => {
    expect(longestStreak([])).toBe(0);
    expect(longestStreak([3])).toBe(1);
    expect(longestStreak([1, 2, 3, 5, 6, 7, 8, 20])).toBe(4);
  });
});

describe("notability", () => {
  it("orders gold before silver before bronze, and the tag badge's holdings by tag", () => {
    const tiers = BADGES.map((badge) => ["gold", "silver", "bronze"].indexOf(badge.tier));
    expect([...tiers].sort((a, b) => a - b)).toEqual(tiers);
    const held = [
      { key: "first-answer", tag: "" },
      { key: "tag-bronze", tag: "wifi" },
      { key: "tag-bronze", tag: "locks" },
      { key: "accepted-50", tag: "" },
    ];
    expect(held.sort(byNotability)).toEqual([
      { key: "accepted-50", tag: "" },
      { key: "tag-bronze", tag: "locks" },
      { key: "tag-bronze", tag: "wifi" },
      { key: "first-answer", tag: "" },
    ]);
  });

  it("has a stable version number for the order", () => {
    expect(notabilityVersion()).toBe(notabilityVersion());
    expect(Number.isInteger(notabilityVersion())).toBe(true);
  });

  it("gives every badge a distinct key", () => {
    expect(new Set(BADGES.map((badge) => badge.key)).size).toBe(BADGES.length);
  });
});
