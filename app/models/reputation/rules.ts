/** Reputation's words and figures, for the server and the browser alike. */
import { z } from "zod";
import type { ReputationReason } from "../../../db/schema/reputation";
import { cutToLength } from "~/lib/text";

/** The point values when no admin has changed them (the schema's defaults). */
export const DEFAULT_REPUTATION_SETTINGS = {
  upvoteAnswer: 10,
  upvoteQuestion: 5,
  accepted: 15,
  acceptedOther: 2,
  verified: 25,
  articlePublished: 25,
  downvote: 2,
  downvoteCast: 1,
  dailyVoteCap: 200,
};
export type ReputationSettings = typeof DEFAULT_REPUTATION_SETTINGS;

export const REPUTATION_REASON_LABELS: Record<ReputationReason, string> = {
  upvote: "Upvote",
  downvote: "Downvote",
  downvote_cast: "Voted an answer down",
  accepted: "Answer accepted",
  accepted_other: "Accepted an answer",
  verified: "Answer verified by staff",
  article_published: "Knowledge-base article published from their question",
  imported: "Reputation earned on the site the account was imported from",
};

export const DAY_MS = 86_400_000;

/** The start of `at`'s day in UTC: the daily vote cap and the chart count days in UTC, the same for everyone. */
export const startOfUtcDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);

/** Someone who votes on this many posts of one person (up, or down) within SERIAL_VOTING_WINDOW_MS votes on the person, not the posts. */
export const SERIAL_VOTING_THRESHOLD = 5;
export const SERIAL_VOTING_WINDOW_MS = DAY_MS;

export const REPUTATION_HISTORY_PAGE_SIZE = 30;
export const LEADERBOARD_PAGE_SIZE = 20;
export const LEADERBOARD_PERIODS = ["week", "month", "all"] as const;
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number];

/** `?reputation=<page>` on a profile: the page of its reputation history. */
export const reputationHistoryQuerySchema = z.object({
  reputation: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export const pageQuerySchema = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1) });

export const leaderboardQuerySchema = z.object({
  period: z.enum(LEADERBOARD_PERIODS).catch("week"),
  // Any text: a tag that does not exist is said so on the page (cut short, so the page stays small).
  tag: z
    .string()
    .catch("")
    .transform((tag) => cutToLength(tag.trim(), 100)),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

/** What a profile shows of a person's reputation (profile.server.ts reads it). */
export type ReputationOnProfile = {
  history: {
    id: number;
    reason: ReputationReason;
    points: number;
    createdAt: Date;
    postId: number | null;
    postKind: "question" | "answer" | null;
    thread: { id: number; title: string; slug: string } | null;
  }[];
  hasNextPage: boolean;
  page: number;
  growth: { day: string; total: number }[];
};
