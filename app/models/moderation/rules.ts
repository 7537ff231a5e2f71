/** Moderation options and labels shared by the server and the browser bundle. */
import { z } from "zod";
import { rowIdField } from "~/lib/row-ids";

export const FLAG_REASON_LABELS = {
  spam: "Spam",
  rude: "Rude or abusive",
  off_topic: "Off-topic",
  needs_staff: "Needs staff attention",
  other: "Something else",
  new_member_link: "Link from a new member (automatic)",
} as const;
/** The reasons people choose from; the last one is raised by Hearth itself. */
export const USER_FLAG_REASONS = ["spam", "rude", "off_topic", "needs_staff", "other"] as const;

export const POST_DECISIONS = ["approve", "hide", "delete", "restore"] as const;
export type PostDecision = (typeof POST_DECISIONS)[number];

export const MODERATION_STATE_LABELS = {
  visible: "Visible",
  held: "Waiting for review",
  hidden: "Hidden pending review",
  deleted: "Deleted",
  waiting: "Waiting for your email address",
} as const;

export const THREAD_ACTIONS = [
  "lock",
  "unlock",
  "close",
  "reopen",
  "duplicate",
  "move",
  "retag",
  "pin",
  "unpin",
] as const;

/** Every kind of audit-log entry, as /mod/log shows it. */
export const AUDIT_ACTION_LABELS = {
  "post.approve": "Approved a post",
  "post.hide": "Hid a post",
  "post.delete": "Deleted a post",
  "post.restore": "Restored a post",
  "post.edit": "Edited someone's post",
  "post.suggested-edit.approve": "Approved a suggested edit",
  "post.suggested-edit.reject": "Declined a suggested edit",
  "revision.redact": "Removed text from a post's history",
  "revision.unredact": "Put back text removed from a post's history",
  "comment.remove": "Removed a comment from a post",
  "comment.restore": "Restored a comment staff had removed",
  "answer.verify": "Verified a solution",
  "answer.unverify": "Removed a verification",
  "thread.lock": "Locked a thread",
  "thread.unlock": "Unlocked a thread",
  "thread.close": "Closed a thread",
  "thread.reopen": "Reopened a thread",
  "thread.duplicate": "Closed a thread as a duplicate",
  "thread.move": "Moved a thread",
  "thread.retag": "Retagged a thread",
  "thread.pin": "Pinned a thread",
  "thread.unpin": "Unpinned a thread",
  "thread.close-by-vote": "Closed a thread by community vote",
  "user.warn": "Warned a user",
  "user.suspend": "Suspended a user",
  "user.unsuspend": "Ended a suspension",
  "user.role": "Changed a role",
  "user.domain-customer": "Made a customer on confirming an address at a customer domain",
  "user.domain-member": "Made a member again on moving to an address outside the customer domains",
  "user.email-restored": "Gave an account its old address back (its owner said the change was not theirs)",
  "domain.add": "Added a customer email domain",
  "domain.remove": "Removed a customer email domain",
  "lexicon.add": "Added a lexicon phrase",
  "lexicon.update": "Changed a lexicon phrase",
  "lexicon.remove": "Removed a lexicon phrase",
  "synonyms.add": "Added a search synonym group",
  "synonyms.update": "Changed a search synonym group",
  "synonyms.remove": "Removed a search synonym group",
  "macro.create": "Wrote a support macro",
  "macro.update": "Changed a support macro",
  "macro.delete": "Deleted a support macro",
  "settings.update": "Changed moderation settings",
  "settings.trust": "Changed trust-level thresholds",
  "user.trust-level": "A person's trust level dropped",
  "reputation-settings.update": "Changed reputation settings",
  "reputation.serial-voting": "Reversed the reputation of serial votes",
  "follow-up.escalate": "Escalated a thread to support",
  "follow-up.update": "Changed a follow-up",
  // Kept for entries written before support policies replaced per-category targets.
  "targets.update": "Changed response targets",
  "support-policy.update": "Changed how support works in a category",
  "reward.create": "Added a reward",
  "reward.update": "Changed a reward",
  "reward.retire": "Retired a reward",
  "reward.restore": "Put a retired reward back",
  "reward.codes": "Uploaded discount codes",
  "rewards.settings": "Changed the share of reputation earned as loyalty points",
  "loyalty.adjust": "Adjusted someone's loyalty points",
  "redemption.fulfil": "Fulfilled a reward redemption",
  "redemption.cancel": "Cancelled a reward redemption (points refunded)",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;
export const AUDIT_SUBJECT_TYPES = [
  "post",
  "thread",
  "user",
  "domain",
  "lexicon",
  "synonyms",
  "settings",
  "follow-up",
  "macro",
  "category",
  "reward",
  "redemption",
] as const;
export type AuditSubjectType = (typeof AUDIT_SUBJECT_TYPES)[number];

/** The longest reason staff may give for removing an imported comment (shown to staff only). */
export const MAX_COMMENT_REMOVAL_REASON = 500;

export const REVIEW_QUEUE_PAGE_SIZE = 20;
export const AUDIT_LOG_PAGE_SIZE = 50;

/** Query-string filters of /mod/log; anything unusable is ignored. */
export const auditLogQuerySchema = z.object({
  actor: z.string().trim().toLowerCase().max(40).optional().catch(undefined),
  action: z
    .enum(Object.keys(AUDIT_ACTION_LABELS) as [AuditAction, ...AuditAction[]])
    .optional()
    .catch(undefined),
  subject: z.enum(AUDIT_SUBJECT_TYPES).optional().catch(undefined),
  subjectId: rowIdField("Choose a subject.").optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;

/** How many leaders' votes close a question. */
export const CLOSE_VOTES_NEEDED = 3;

export const CLOSE_VOTE_REASON_LABELS = {
  off_topic: "Not about our products or services",
  needs_details: "Needs details or clarity to be answered",
  answered_elsewhere: "Already answered elsewhere",
} as const;
