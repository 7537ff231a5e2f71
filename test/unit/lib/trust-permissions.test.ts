// Trust levels in the permission module: every role at every earned level, against every action a
// level unlocks (a table, like permissions.test.ts), and how a standing earns a level.
import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../../db/schema";
import * as permissions from "~/lib/permissions.server";
import { VISITOR, type Actor } from "~/lib/permissions.server";
import {
  PRESET_THRESHOLDS,
  presetOf,
  PRIVILEGES,
  TRUST,
  TRUST_LEVELS,
  TRUST_PRESETS,
  type TrustLevel,
  type TrustLevelName,
} from "~/lib/trust-levels";

const someoneElses = { authorId: 99 };
const actorAt = (role: Role, level: TrustLevel, suspendedUntil: Date | null = null): Actor => ({
  kind: "user",
  id: 1,
  username: "someone",
  role,
  suspendedUntil,
  trustLevel: level,
});

// Each action and the lowest level it needs of a member; customers act at least at basic, staff and
// admins at leader, whatever they earned.
const ACTIONS: { name: string; needs: TrustLevelName; call: (actor: Actor) => boolean }[] = [
  { name: "post without review", needs: "basic", call: (a) => permissions.canPostWithoutReview(a) },
  { name: "post links and images", needs: "basic", call: (a) => permissions.canPostLinksAndImages(a) },
  { name: "vote down", needs: "member", call: (a) => permissions.canVoteDown(a) },
  { name: "retag others' threads", needs: "regular", call: (a) => permissions.canRetagThread(a) },
  {
    name: "edit others' posts directly",
    needs: "regular",
    call: (a) => permissions.canEditOthersPostsDirectly(a, someoneElses),
  },
  { name: "edit others' posts", needs: "regular", call: (a) => permissions.canEditPost(a, someoneElses) },
  { name: "vote to close", needs: "leader", call: (a) => permissions.canVoteToClose(a) },
];

const actingLevel = (role: Role, earned: TrustLevel) =>
  role === "staff" || role === "admin" ? TRUST.leader : role === "customer" ? Math.max(earned, TRUST.basic) : earned;

describe("trust levels in the permission table", () => {
  for (const role of ROLES) {
    for (const earned of [0, 1, 2, 3, 4] as TrustLevel[]) {
      for (const action of ACTIONS) {
        const expected = actingLevel(role, earned) >= TRUST[action.needs];
        it(`a ${role} who earned ${TRUST_LEVELS[earned]} ${expected ? "may" : "may not"} ${action.name}`, () => {
          expect(action.call(actorAt(role, earned))).toBe(expected);
        });
      }
    }
  }

  it("lets no visitor and no suspended person do any of it, whatever their level", () => {
    const suspended = actorAt("member", TRUST.leader, new Date(Date.now() + 86_400_000));
    for (const action of ACTIONS) {
      expect(action.call(VISITOR)).toBe(false);
      expect(action.call(suspended)).toBe(false);
    }
  });

  it("describes every unlock on the pages with the level the predicates use", () => {
    for (const action of ACTIONS.filter((entry) => entry.name !== "edit others' posts")) {
      const listed = PRIVILEGES.filter((privilege) => privilege.level === action.needs);
      expect(listed.length).toBeGreaterThan(0);
    }
    expect(PRIVILEGES.find((privilege) => privilege.key === "voteDown")?.level).toBe("member");
    expect(PRIVILEGES.find((privilege) => privilege.key === "retag")?.level).toBe("regular");
    expect(PRIVILEGES.find((privilege) => privilege.key === "voteToClose")?.level).toBe("leader");
  });

  it("lets leaders, not staff (who close directly), vote to close an open public question", () => {
    const open = { status: "open", visibility: "visible" as const };
    expect(permissions.canVoteToCloseThread(actorAt("member", TRUST.leader), open)).toBe(true);
    expect(permissions.canVoteToCloseThread(actorAt("customer", TRUST.leader), open)).toBe(true);
    expect(permissions.canVoteToCloseThread(actorAt("member", TRUST.regular), open)).toBe(false);
    expect(permissions.canVoteToCloseThread(actorAt("staff", TRUST.leader), open)).toBe(false);
    expect(permissions.canVoteToCloseThread(actorAt("member", TRUST.leader), { ...open, status: "closed" })).toBe(
      false,
    );
    expect(permissions.canVoteToCloseThread(actorAt("member", TRUST.leader), { ...open, visibility: "hidden" })).toBe(
      false,
    );
    expect(permissions.canVoteToCloseThread(VISITOR, open)).toBe(false);
  });

  it("weighs a flag by its flagger's level, and staff and customers by their role's", () => {
    const weight = (role: Role, earned: TrustLevel) =>
      permissions.flagWeightAt(permissions.trustLevelFor(role, earned));
    expect([0, 1, 2, 3, 4].map((level) => weight("member", level as TrustLevel))).toEqual([1, 1, 2, 3, 3]);
    expect(weight("customer", 0)).toBe(1);
    expect(weight("staff", 0)).toBe(3);
  });
});

describe("earnedTrustLevel", () => {
  const moderate = PRESET_THRESHOLDS.moderate;

  it("gives the highest level whose every threshold the standing meets", () => {
    expect(permissions.earnedTrustLevel({ reputation: 0, days: 0, posts: 0 }, moderate, 0)).toBe(TRUST.new);
    expect(permissions.earnedTrustLevel({ reputation: 0, days: 0, posts: 2 }, moderate, 0)).toBe(TRUST.basic);
    // Reputation enough for regular, but too few days: member.
    expect(permissions.earnedTrustLevel({ reputation: 1000, days: 10, posts: 30 }, moderate, 0)).toBe(TRUST.member);
    expect(permissions.earnedTrustLevel({ reputation: 1000, days: 30, posts: 25 }, moderate, 0)).toBe(TRUST.regular);
    expect(permissions.earnedTrustLevel({ reputation: 5000, days: 90, posts: 100 }, moderate, 0)).toBe(TRUST.leader);
  });

  it("keeps basic and member once reached, and lets regular and leader drop with the standing", () => {
    const fallen = { reputation: 0, days: 400, posts: 0 };
    expect(permissions.earnedTrustLevel(fallen, moderate, TRUST.basic)).toBe(TRUST.basic);
    expect(permissions.earnedTrustLevel(fallen, moderate, TRUST.member)).toBe(TRUST.member);
    expect(permissions.earnedTrustLevel(fallen, moderate, TRUST.regular)).toBe(TRUST.member);
    expect(permissions.earnedTrustLevel(fallen, moderate, TRUST.leader)).toBe(TRUST.member);
  });

  it("fills the thresholds from each preset, stricter from lenient to strict, each level above the one below", () => {
    for (const preset of TRUST_PRESETS) {
      expect(presetOf(PRESET_THRESHOLDS[preset])).toBe(preset);
      const levels = Object.values(PRESET_THRESHOLDS[preset]);
      for (let i = 1; i < levels.length; i += 1) {
        expect(levels[i].reputation).toBeGreaterThan(levels[i - 1].reputation);
        expect(levels[i].days).toBeGreaterThanOrEqual(levels[i - 1].days);
        expect(levels[i].posts).toBeGreaterThanOrEqual(levels[i - 1].posts);
      }
    }
    const start = { reputation: 0, days: 0, posts: 0 };
    expect(permissions.earnedTrustLevel(start, PRESET_THRESHOLDS.lenient, 0)).toBe(TRUST.basic);
    expect(permissions.earnedTrustLevel(start, PRESET_THRESHOLDS.moderate, 0)).toBe(TRUST.new);
    const twoPosts = { reputation: 0, days: 0, posts: 2 };
    expect(permissions.earnedTrustLevel(twoPosts, PRESET_THRESHOLDS.moderate, 0)).toBe(TRUST.basic);
    expect(permissions.earnedTrustLevel(twoPosts, PRESET_THRESHOLDS.strict, 0)).toBe(TRUST.new);
    expect(presetOf({ ...PRESET_THRESHOLDS.moderate, basic: { reputation: 0, days: 0, posts: 0 } })).toBeNull();
  });
});
