/** Ready-made flags for pages, so no page decides on its own. */
import type { ModerationState } from "../../../db/schema";
import { isSignedIn, isStaff, isSuspended, type Actor } from "./actors.server";
import { canAcceptAnswer, canAnswerThread, canVerifyAnswer, type ThreadState } from "./community.server";
import { canDraftArticleFromThread } from "./kb.server";
import {
  canManageModerationSettings,
  canManageTrustSettings,
  canModerate,
  canRemoveComment,
  canVoteToCloseThread,
} from "./moderation.server";
import { canManageRewards, canViewRewards } from "./rewards.server";
import { canWorkFollowUps } from "./support.server";
import { canRetagThread, canVoteDown } from "./trust.server";

export function threadCapabilities(actor: Actor, thread: ThreadState & { visibility: ModerationState }) {
  return {
    canAnswer: canAnswerThread(actor, thread),
    canAccept: canAcceptAnswer(actor, thread),
    canVerify: canVerifyAnswer(actor),
    canDraftArticle: canDraftArticleFromThread(actor) && thread.status === "solved",
    canModerate: canModerate(actor),
    canRemoveComments: canRemoveComment(actor),
    canRetag: canRetagThread(actor),
    canVoteDown: canVoteDown(actor),
    canVoteToClose: canVoteToCloseThread(actor, thread),
    signedIn: isSignedIn(actor),
    suspended: isSuspended(actor),
  };
}

/**
 * The links of the header and of the moderation section's menu: each shows when the page behind
 * it lets the actor in, so a suspended member of staff sees no staff links. Decided from the whole
 * actor (suspension included), never from the role alone.
 */
export function navCapabilities(actor: Actor) {
  return {
    supportQueue: canWorkFollowUps(actor),
    moderation: canModerate(actor),
    moderationSettings: canManageModerationSettings(actor),
    trustSettings: canManageTrustSettings(actor),
    // Follow-ups are opened for askers, never for staff (canRequestFollowUp).
    mySupport: isSignedIn(actor) && !isStaff(actor),
    // Staff earn no points: their way to rewards is the queue and the catalogue.
    rewards: canViewRewards(actor) && !isStaff(actor),
    rewardsCatalogue: canManageRewards(actor),
  };
}

export type NavCapabilities = ReturnType<typeof navCapabilities>;
