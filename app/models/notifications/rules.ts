/** Notification kinds as people read them (shared with the browser bundle). */
export const NOTIFICATION_KIND_LABELS = {
  "follow-up-opened": "A support follow-up opens for one of my questions",
  "follow-up-reply": "Support replies to my follow-up",
  "follow-up-status": "My follow-up changes status",
  "follow-up-resolved": "My follow-up is resolved",
  survey: "A short question about how well we helped (at most one a week)",
  moderation: "A moderator approves, hides or restores my post, or writes to me about my account",
} as const;
