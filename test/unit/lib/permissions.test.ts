import { describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError } from "~/lib/errors.server";
import * as permissions from "~/lib/permissions.server";
import { VISITOR, type Actor } from "~/lib/permissions.server";

const member: Actor = { kind: "user", id: 1, username: "morgan", role: "member", suspendedUntil: null, trustLevel: 0 };
const customer: Actor = {
  kind: "user",
  id: 2,
  username: "casey",
  role: "customer",
  suspendedUntil: null,
  trustLevel: 0,
};
const staff: Actor = { kind: "user", id: 3, username: "sam", role: "staff", suspendedUntil: null, trustLevel: 0 };
const admin: Actor = { kind: "user", id: 4, username: "ada", role: "admin", suspendedUntil: null, trustLevel: 0 };
const actors = { visitor: VISITOR, member, customer, staff, admin };
type ActorName = keyof typeof actors;

const someoneElses = { authorId: 99, visibility: "visible" as const };
const membersOwn = { authorId: 1 };
const openThreadOfMember = { authorId: 1, status: "answered" };
const openThreadOfOther = { authorId: 99, status: "open" };
const closedThreadOfMember = { authorId: 1, status: "closed" };

// Each row: a predicate applied to one situation, and who may do it. Every exported `can*`
// predicate must appear at least once, or the last test fails.
const table: {
  predicate: keyof typeof permissions;
  situation: string;
  call: (actor: Actor) => boolean;
  allowed: ActorName[];
}[] = [
  {
    predicate: "canViewThread",
    situation: "any thread",
    call: (a) => permissions.canViewThread(a),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canAskQuestion",
    situation: "a new question",
    call: (a) => permissions.canAskQuestion(a),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canAnswerThread",
    situation: "an open thread",
    call: (a) => permissions.canAnswerThread(a, openThreadOfOther),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canAnswerThread",
    situation: "a closed thread",
    call: (a) => permissions.canAnswerThread(a, closedThreadOfMember),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canVoteOnPost",
    situation: "someone else's post",
    call: (a) => permissions.canVoteOnPost(a, someoneElses),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canVoteOnPost",
    situation: "the member's own post",
    call: (a) => permissions.canVoteOnPost(a, membersOwn),
    allowed: ["customer", "staff", "admin"],
  },
  {
    predicate: "canEditPost",
    situation: "someone else's post",
    call: (a) => permissions.canEditPost(a, someoneElses),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canEditPost",
    situation: "the member's own post",
    call: (a) => permissions.canEditPost(a, membersOwn),
    allowed: ["member", "staff", "admin"],
  },
  {
    predicate: "canSeeThread",
    situation: "a visible thread",
    call: (a) => permissions.canSeeThread(a, { authorId: 99, visibility: "visible" }),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canSeeThread",
    situation: "the member's own held thread",
    call: (a) => permissions.canSeeThread(a, { authorId: 1, visibility: "held" }),
    allowed: ["member", "staff", "admin"],
  },
  {
    predicate: "canSeeThread",
    situation: "someone else's hidden thread",
    call: (a) => permissions.canSeeThread(a, { authorId: 99, visibility: "hidden" }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeThread",
    situation: "the member's own deleted thread",
    call: (a) => permissions.canSeeThread(a, { authorId: 1, visibility: "deleted" }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeePost",
    situation: "a visible answer in a visible thread",
    call: (a) =>
      permissions.canSeePost(a, {
        post: { authorId: 99, moderationState: "visible" },
        thread: { authorId: 99, visibility: "visible" },
      }),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canSeePost",
    situation: "a visible answer in someone else's held thread",
    call: (a) =>
      permissions.canSeePost(a, {
        post: { authorId: 99, moderationState: "visible" },
        thread: { authorId: 98, visibility: "held" },
      }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeePost",
    situation: "the member's own answer in someone else's hidden thread",
    call: (a) =>
      permissions.canSeePost(a, {
        post: { authorId: 1, moderationState: "visible" },
        thread: { authorId: 99, visibility: "hidden" },
      }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeePost",
    situation: "someone else's answer in the member's own hidden thread",
    call: (a) =>
      permissions.canSeePost(a, {
        post: { authorId: 99, moderationState: "visible" },
        thread: { authorId: 1, visibility: "hidden" },
      }),
    allowed: ["member", "staff", "admin"],
  },
  {
    predicate: "canSeePost",
    situation: "someone else's hidden answer in a visible thread",
    call: (a) =>
      permissions.canSeePost(a, {
        post: { authorId: 99, moderationState: "hidden" },
        thread: { authorId: 99, visibility: "visible" },
      }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeePostOnProfile",
    situation: "the member's own hidden answer in a visible thread",
    call: (a) =>
      permissions.canSeePostOnProfile(a, {
        post: { authorId: 1, moderationState: "hidden" },
        thread: { authorId: 99, visibility: "visible" },
      }),
    allowed: ["member", "staff", "admin"],
  },
  {
    predicate: "canSeePostOnProfile",
    situation: "a deleted answer in a visible thread",
    call: (a) =>
      permissions.canSeePostOnProfile(a, {
        post: { authorId: 1, moderationState: "deleted" },
        thread: { authorId: 99, visibility: "visible" },
      }),
    allowed: [],
  },
  {
    predicate: "canSeePostOnProfile",
    situation: "a visible answer in a deleted thread",
    call: (a) =>
      permissions.canSeePostOnProfile(a, {
        post: { authorId: 1, moderationState: "visible" },
        thread: { authorId: 99, visibility: "deleted" },
      }),
    allowed: [],
  },
  {
    predicate: "canSeeThreadOnProfile",
    situation: "the member's own held thread",
    call: (a) => permissions.canSeeThreadOnProfile(a, { authorId: 1, visibility: "held" }),
    allowed: ["member", "staff", "admin"],
  },
  {
    predicate: "canSeeThreadOnProfile",
    situation: "the member's own deleted thread",
    call: (a) => permissions.canSeeThreadOnProfile(a, { authorId: 1, visibility: "deleted" }),
    allowed: [],
  },
  {
    predicate: "canRedactRevision",
    situation: "a past version of a post",
    call: (a) => permissions.canRedactRevision(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canReadRedactedRevision",
    situation: "a redacted version of a post",
    call: (a) => permissions.canReadRedactedRevision(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canRemoveComment",
    situation: "a comment under an imported post",
    call: (a) => permissions.canRemoveComment(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeComment",
    situation: "a comment under a post the reader sees",
    call: (a) => permissions.canSeeComment(a, { removedAt: null }),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canSeeComment",
    situation: "a comment staff removed",
    call: (a) => permissions.canSeeComment(a, { removedAt: new Date() }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canAcceptAnswer",
    situation: "the member's own open thread",
    call: (a) => permissions.canAcceptAnswer(a, openThreadOfMember),
    allowed: ["member"],
  },
  {
    predicate: "canAcceptAnswer",
    situation: "someone else's thread",
    call: (a) => permissions.canAcceptAnswer(a, openThreadOfOther),
    allowed: [],
  },
  {
    predicate: "canAcceptAnswer",
    situation: "the member's own closed thread",
    call: (a) => permissions.canAcceptAnswer(a, closedThreadOfMember),
    allowed: [],
  },
  {
    predicate: "canVerifyAnswer",
    situation: "any answer",
    call: (a) => permissions.canVerifyAnswer(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canChangeOwnPassword",
    situation: "their own account",
    call: (a) => permissions.canChangeOwnPassword(a),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canConfirmEmailAddress",
    situation: "a confirmation link issued to their own account",
    call: (a) => permissions.canConfirmEmailAddress(a, { userId: a.kind === "user" ? a.id : 0 }),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canConfirmEmailAddress",
    situation: "a confirmation link issued to another account",
    call: (a) => permissions.canConfirmEmailAddress(a, { userId: 99 }),
    allowed: [],
  },
  {
    predicate: "canChangeOwnEmail",
    situation: "their own account",
    call: (a) => permissions.canChangeOwnEmail(a),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canUseEmailChangeLink",
    situation: "a link to a new address asked for by their own account",
    call: (a) => permissions.canUseEmailChangeLink(a, { userId: a.kind === "user" ? a.id : 0 }),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canUseEmailChangeLink",
    situation: "a link to a new address asked for by another account",
    call: (a) => permissions.canUseEmailChangeLink(a, { userId: 99 }),
    allowed: [],
  },
  {
    predicate: "canChangeUserRole",
    situation: "another person's account",
    call: (a) => permissions.canChangeUserRole(a, { id: 99 }),
    allowed: ["admin"],
  },
  {
    predicate: "canChangeUserRole",
    situation: "their own account",
    call: (a) => permissions.canChangeUserRole(a, { id: a.kind === "user" ? a.id : 0 }),
    allowed: [],
  },
  {
    predicate: "canViewUserProfile",
    situation: "any profile",
    call: (a) => permissions.canViewUserProfile(a),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canSuggestUsernames",
    situation: "usernames while writing",
    call: (a) => permissions.canSuggestUsernames(a),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canReadArticle",
    situation: "a public article",
    call: (a) => permissions.canReadArticle(a, { audience: "public" }),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canReadArticle",
    situation: "a customer-only article",
    call: (a) => permissions.canReadArticle(a, { audience: "customers" }),
    allowed: ["customer", "staff", "admin"],
  },
  {
    predicate: "canReadArticle",
    situation: "a staff-only article",
    call: (a) => permissions.canReadArticle(a, { audience: "staff" }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeArticleTeaser",
    situation: "a customer-only article",
    call: (a) => permissions.canSeeArticleTeaser(a, { audience: "customers" }),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canSeeArticleTeaser",
    situation: "a staff-only article",
    call: (a) => permissions.canSeeArticleTeaser(a, { audience: "staff" }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canGiveArticleFeedback",
    situation: "a public article",
    call: (a) => permissions.canGiveArticleFeedback(a, { audience: "public" }),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canGiveArticleFeedback",
    situation: "a customer-only article",
    call: (a) => permissions.canGiveArticleFeedback(a, { audience: "customers" }),
    allowed: ["customer", "staff", "admin"],
  },
  {
    predicate: "canViewArticleFeedback",
    situation: "any article",
    call: (a) => permissions.canViewArticleFeedback(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canRequestFollowUp",
    situation: "their own thread",
    call: (a) => permissions.canRequestFollowUp(a, { authorId: a.kind === "user" ? a.id : 0, visibility: "visible" }),
    allowed: ["customer"],
  },
  {
    predicate: "canRequestFollowUp",
    situation: "someone else's thread",
    call: (a) => permissions.canRequestFollowUp(a, someoneElses),
    allowed: [],
  },
  {
    predicate: "canWorkFollowUps",
    situation: "the support queue",
    call: (a) => permissions.canWorkFollowUps(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeCustomerDetails",
    situation: "a customer's email address beside their follow-up",
    call: (a) => permissions.canSeeCustomerDetails(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canUseMacros",
    situation: "inserting a saved reply",
    call: (a) => permissions.canUseMacros(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canEditMacros",
    situation: "writing a saved reply",
    call: (a) => permissions.canEditMacros(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canViewFollowUp",
    situation: "the customer's own follow-up",
    call: (a) => permissions.canViewFollowUp(a, { customerId: 2 }),
    allowed: ["customer", "staff", "admin"],
  },
  {
    predicate: "canViewFollowUp",
    situation: "another customer's follow-up",
    call: (a) => permissions.canViewFollowUp(a, { customerId: 99 }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canWriteOnFollowUp",
    situation: "the customer's own follow-up",
    call: (a) => permissions.canWriteOnFollowUp(a, { customerId: 2 }),
    allowed: ["customer", "staff", "admin"],
  },
  {
    predicate: "canWriteOnFollowUp",
    situation: "another customer's follow-up",
    call: (a) => permissions.canWriteOnFollowUp(a, { customerId: 99 }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canRateFollowUp",
    situation: "the customer's own follow-up",
    call: (a) => permissions.canRateFollowUp(a, { customerId: 2 }),
    allowed: ["customer"],
  },
  {
    predicate: "canSetResponseTargets",
    situation: "a category",
    call: (a) => permissions.canSetResponseTargets(a),
    allowed: ["admin"],
  },
  {
    predicate: "canDraftArticleFromThread",
    situation: "a solved thread",
    call: (a) => permissions.canDraftArticleFromThread(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canAnswerThread",
    situation: "a locked thread",
    call: (a) => permissions.canAnswerThread(a, { ...openThreadOfOther, lockedAt: new Date() }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeModeratedContent",
    situation: "a visible post",
    call: (a) => permissions.canSeeModeratedContent(a, { authorId: 99, moderationState: "visible" }),
    allowed: ["visitor", "member", "customer", "staff", "admin"],
  },
  {
    predicate: "canSeeModeratedContent",
    situation: "the member's own held post",
    call: (a) => permissions.canSeeModeratedContent(a, { authorId: 1, moderationState: "held" }),
    allowed: ["member", "staff", "admin"],
  },
  {
    predicate: "canSeeModeratedContent",
    situation: "the member's own waiting post (address not confirmed)",
    call: (a) => permissions.canSeeModeratedContent(a, { authorId: 1, moderationState: "waiting" }),
    allowed: ["member"],
  },
  {
    predicate: "canSeeModeratedContent",
    situation: "someone else's waiting post",
    call: (a) => permissions.canSeeModeratedContent(a, { authorId: 99, moderationState: "waiting" }),
    allowed: [],
  },
  {
    predicate: "hasReachedOthers",
    situation: "a waiting thread",
    call: () => permissions.hasReachedOthers({ visibility: "waiting" }),
    allowed: [],
  },
  {
    predicate: "canRequestFollowUp",
    situation: "their own waiting thread",
    call: (a) => permissions.canRequestFollowUp(a, { authorId: a.kind === "user" ? a.id : 0, visibility: "waiting" }),
    allowed: [],
  },
  {
    predicate: "canSeeModeratedContent",
    situation: "someone else's hidden post",
    call: (a) => permissions.canSeeModeratedContent(a, { authorId: 99, moderationState: "hidden" }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeModeratedContent",
    situation: "the member's own deleted post",
    call: (a) => permissions.canSeeModeratedContent(a, { authorId: 1, moderationState: "deleted" }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canFlagPost",
    situation: "someone else's post",
    call: (a) => permissions.canFlagPost(a, someoneElses),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canFlagPost",
    situation: "the member's own post",
    call: (a) => permissions.canFlagPost(a, membersOwn),
    allowed: ["customer", "staff", "admin"],
  },
  {
    predicate: "canWatch",
    situation: "choosing what to hear about",
    call: (a) => permissions.canWatch(a),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canModerate",
    situation: "the review queue",
    call: (a) => permissions.canModerate(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canManageSynonyms",
    situation: "search synonym groups",
    call: (a) => permissions.canManageSynonyms(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeFailedSearches",
    situation: "the searches that found nothing",
    call: (a) => permissions.canSeeFailedSearches(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canDisciplineUser",
    situation: "a member",
    call: (a) => permissions.canDisciplineUser(a, { id: 99, role: "member" }),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canDisciplineUser",
    situation: "another member of staff",
    call: (a) => permissions.canDisciplineUser(a, { id: 98, role: "staff" }),
    allowed: ["admin"],
  },
  {
    predicate: "canDisciplineUser",
    situation: "an admin",
    call: (a) => permissions.canDisciplineUser(a, { id: 97, role: "admin" }),
    allowed: [],
  },
  {
    predicate: "canDisciplineUser",
    situation: "themselves",
    call: (a) => permissions.canDisciplineUser(a, { id: a.kind === "user" ? a.id : 0, role: "member" }),
    allowed: [],
  },
  {
    predicate: "canSuggestEditPost",
    situation: "someone else's post",
    call: (a) => permissions.canSuggestEditPost(a, someoneElses),
    allowed: ["member", "customer"],
  },
  {
    predicate: "canSuggestEditPost",
    situation: "the member's own post",
    call: (a) => permissions.canSuggestEditPost(a, membersOwn),
    // The member edits it; others suggest.
    allowed: ["customer"],
  },
  {
    predicate: "canReviewSuggestedEdits",
    situation: "the suggested-edit queue",
    call: (a) => permissions.canReviewSuggestedEdits(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeOwnVotes",
    situation: "the member's downvotes on their profile",
    call: (a) => permissions.canSeeOwnVotes(a, 1),
    allowed: ["member", "staff", "admin"],
  },
  {
    predicate: "canManageReputationSettings",
    situation: "the reputation point values",
    call: (a) => permissions.canManageReputationSettings(a),
    allowed: ["admin"],
  },
  {
    predicate: "canReviewSerialVoting",
    situation: "the serial-voting list",
    call: (a) => permissions.canReviewSerialVoting(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canManageModerationSettings",
    situation: "the site",
    call: (a) => permissions.canManageModerationSettings(a),
    allowed: ["admin"],
  },
  // Trust levels: the member here is at the "new" level (trust-permissions.test.ts covers each level).
  {
    predicate: "canManageTrustSettings",
    situation: "the trust thresholds",
    call: (a) => permissions.canManageTrustSettings(a),
    allowed: ["admin"],
  },
  {
    predicate: "canPostWithoutReview",
    situation: "a new post",
    call: (a) => permissions.canPostWithoutReview(a),
    allowed: ["customer", "staff", "admin"],
  },
  {
    predicate: "canPostLinksAndImages",
    situation: "a post with a link",
    call: (a) => permissions.canPostLinksAndImages(a),
    allowed: ["customer", "staff", "admin"],
  },
  {
    predicate: "canVoteDown",
    situation: "a downvote",
    call: (a) => permissions.canVoteDown(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canRetagThread",
    situation: "someone else's thread's tags",
    call: (a) => permissions.canRetagThread(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canEditOthersPostsDirectly",
    situation: "someone else's post",
    call: (a) => permissions.canEditOthersPostsDirectly(a, someoneElses),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canVoteToCloseThread",
    situation: "an open question (none of these is a leader; staff close directly)",
    call: (a) => permissions.canVoteToCloseThread(a, { status: "open", visibility: "visible" }),
    allowed: [],
  },
  {
    predicate: "canVoteToClose",
    situation: "a question",
    call: (a) => permissions.canVoteToClose(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canViewRewards",
    situation: "their rewards page",
    call: (a) => permissions.canViewRewards(a),
    allowed: ["member", "customer", "staff", "admin"],
  },
  {
    predicate: "canRedeemReward",
    situation: "a reward for everyone",
    call: (a) => permissions.canRedeemReward(a, { audience: "everyone" }),
    allowed: ["member", "customer"],
  },
  {
    predicate: "canRedeemReward",
    situation: "a reward for customers",
    call: (a) => permissions.canRedeemReward(a, { audience: "customers" }),
    allowed: ["customer"],
  },
  {
    predicate: "canManageRewards",
    situation: "the rewards catalogue",
    call: (a) => permissions.canManageRewards(a),
    allowed: ["admin"],
  },
  {
    predicate: "canWorkRedemptions",
    situation: "the rewards queue",
    call: (a) => permissions.canWorkRedemptions(a),
    allowed: ["staff", "admin"],
  },
  {
    predicate: "canSeeLoyaltyPoints",
    situation: "the member's points",
    call: (a) => permissions.canSeeLoyaltyPoints(a, { id: 1 }),
    allowed: ["member", "staff", "admin"],
  },
  {
    predicate: "canSeeRewardCode",
    situation: "the customer's discount code",
    call: (a) => permissions.canSeeRewardCode(a, { userId: 2 }),
    allowed: ["customer", "staff", "admin"],
  },
];

describe("permissions", () => {
  for (const row of table) {
    for (const name of Object.keys(actors) as ActorName[]) {
      const expected = row.allowed.includes(name);
      it(`${row.predicate}: a ${name} ${expected ? "may" : "may not"} act on ${row.situation}`, () => {
        expect(row.call(actors[name])).toBe(expected);
      });
    }
  }

  it("covers every exported can* predicate in the table", () => {
    const predicates = Object.keys(permissions).filter((name) => /^can[A-Z]/.test(name));
    const covered = new Set(table.map((row) => row.predicate));
    expect(predicates.filter((name) => !covered.has(name as keyof typeof permissions))).toEqual([]);
  });

  it("lets a suspended account read but not write, and a suspension that has ended stops counting", () => {
    const suspended: Actor = { ...member, kind: "user", suspendedUntil: new Date(Date.now() + 86_400_000) } as Actor;
    const suspendedStaff: Actor = {
      ...staff,
      kind: "user",
      suspendedUntil: new Date(Date.now() + 86_400_000),
    } as Actor;
    expect(permissions.canViewThread(suspended)).toBe(true);
    expect(permissions.canReadArticle(suspended, { audience: "public" })).toBe(true);
    expect(permissions.canAskQuestion(suspended)).toBe(false);
    expect(permissions.canAnswerThread(suspended, openThreadOfOther)).toBe(false);
    expect(permissions.canVoteOnPost(suspended, someoneElses)).toBe(false);
    expect(permissions.canEditPost(suspended, membersOwn)).toBe(false);
    expect(permissions.canFlagPost(suspended, someoneElses)).toBe(false);
    expect(permissions.canAcceptAnswer(suspended, openThreadOfMember)).toBe(false);
    expect(permissions.canGiveArticleFeedback(suspended, { audience: "public" })).toBe(false);
    expect(permissions.canConfirmEmailAddress(suspended, { userId: 1 })).toBe(true);
    expect(permissions.canModerate(suspendedStaff)).toBe(false);
    expect(permissions.canRedactRevision(suspendedStaff)).toBe(false);
    expect(permissions.canRemoveComment(suspendedStaff)).toBe(false);
    expect(permissions.canSeeComment(suspendedStaff, { removedAt: new Date() })).toBe(true);
    const suspendedCustomer: Actor = {
      ...customer,
      kind: "user",
      suspendedUntil: new Date(Date.now() + 86_400_000),
    } as Actor;
    expect(permissions.canViewFollowUp(suspendedCustomer, { customerId: 2 })).toBe(true);
    expect(permissions.canWriteOnFollowUp(suspendedCustomer, { customerId: 2 })).toBe(false);
    expect(permissions.canRateFollowUp(suspendedCustomer, { customerId: 2 })).toBe(false);
    expect(permissions.canRequestFollowUp(suspendedCustomer, { authorId: 2, visibility: "visible" })).toBe(false);
    expect(permissions.canRedeemReward(suspendedCustomer, { audience: "everyone" })).toBe(false);
    expect(permissions.canSeeRewardCode(suspendedCustomer, { userId: 2 })).toBe(true);
    expect(permissions.canWorkRedemptions(suspendedStaff)).toBe(false);
    const ended: Actor = { ...member, kind: "user", suspendedUntil: new Date(Date.now() - 1000) } as Actor;
    expect(permissions.canAskQuestion(ended)).toBe(true);
  });

  it("gives the header each link from the whole actor: suspended staff get no staff links", () => {
    const suspendedStaff: Actor = {
      ...staff,
      kind: "user",
      suspendedUntil: new Date(Date.now() + 86_400_000),
    } as Actor;
    const links = (actor: Actor) =>
      Object.entries(permissions.navCapabilities(actor))
        .filter(([, shown]) => shown)
        .map(([link]) => link);
    expect(links(VISITOR)).toEqual([]);
    expect(links(member)).toEqual(["mySupport", "rewards"]);
    expect(links(customer)).toEqual(["mySupport", "rewards"]);
    expect(links(staff)).toEqual(["supportQueue", "moderation"]);
    expect(links(admin)).toEqual([
      "supportQueue",
      "moderation",
      "moderationSettings",
      "trustSettings",
      "rewardsCatalogue",
    ]);
    expect(links(suspendedStaff)).toEqual([]);
  });

  it("ensure throws a 403-mapped error, or a 404-mapped one when existence is private", () => {
    expect(() => permissions.ensure(false, "nope")).toThrow(ForbiddenError);
    expect(() => permissions.ensure(false, "nope", true)).toThrow(NotFoundError);
    expect(() => permissions.ensure(true)).not.toThrow();
  });
});
