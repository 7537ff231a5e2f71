/** The shapes of /support/reports' figures, shared by reports.server.ts and the page's components. */

/** How a group of follow-ups did against one target. */
export type Timing = {
  /** Median calendar time from asking: ended waits, and running ones at their age so far. */
  medianMs: number | null;
  /** The median includes a wait still running, so the true one can only be longer. */
  atLeast: boolean;
  met: number;
  missed: number;
  /** Still running and not yet due: neither met nor missed. */
  pending: number;
  /** met / (met + missed). */
  withinTargetShare: number | null;
};

/** Answers to the 1–5 "how well did we help" question. */
export type SupportSurveys = { asked: number; answered: number; average: number | null };

export type ReportFigures = {
  opened: number;
  resolved: number;
  firstResponse: Timing;
  /** Opened here, with no first response and not resolved: waiting for support now. */
  stillWaiting: number;
  resolution: Timing;
  support: SupportSurveys;
  /** Answers to the yes/no "did the community's answer solve it" question. */
  community: { asked: number; answered: number; solved: number };
};

export type StaffFigures = {
  userId: number;
  username: string;
  replies: number;
  /** Follow-ups resolved in the period while assigned to them. */
  resolved: number;
  /** Of the follow-ups opened in the period that they answered first. */
  medianFirstResponseMs: number | null;
  firstResponses: number;
  support: SupportSurveys;
};
