/** Notification kinds as people read them (shared with the browser bundle). */
export const NOTIFICATION_KIND_LABELS = {
  "new-answer": "Someone answers my question",
  "question-changed": "Staff edit, move, close or reopen my question, or mark it a duplicate",
  "answer-solution": "My answer is accepted, unaccepted or verified by staff, or a solution to my question is verified",
  "post-edited": "Staff edit my answer",
  mention: "Someone mentions me (@username)",
  watched: "New posts in what I watch",
  "follow-up-opened": "A support follow-up opens for one of my questions",
  "follow-up-reply": "Support replies to my follow-up",
  "follow-up-status": "My follow-up changes status",
  "follow-up-resolved": "My follow-up is resolved",
  "reward-redemption": "Staff fulfil or cancel a reward I redeemed",
  survey: "A short question about how well we helped (at most one a week)",
  "staff-follow-up-reply": "A customer writes on a follow-up (staff)",
  "staff-follow-up-assigned": "A follow-up is assigned to me (staff)",
  "staff-follow-up-unsolved": "A customer says “still not solved” (staff)",
  "staff-follow-up-due": "A follow-up assigned to me is one hour from its target (staff)",
  "staff-follow-up-new": "A follow-up opens in a category I watch (staff)",
  moderation: "A moderator approves, hides or restores my post, or writes to me about my account",
  digest: "The digest of what I missed",
} as const;

/** Watch levels as people read them, with what each one means. */
export const WATCH_LEVEL_LABELS = {
  watching: "Watching: every post, also by email",
  tracking: "Tracking: every post, bell only",
  normal: "Normal: answers to me, mentions",
  muted: "Muted: nothing",
} as const;
