/**
 * The tables the app queries, of the engine this process runs on (`databaseEngine`, chosen once, when
 * this module loads: tests pick the engine before they load the app). Both engines' tables have the
 * same names, columns and keys (test/unit/db/schema-drift.test.ts), and drizzle builds the same
 * queries from either, so the models are written once, typed against the SQLite tables, and run on
 * the PostgreSQL twins unchanged. Everything else (constants, types) is the SQLite files' own.
 */
import { databaseEngine } from "../app/lib/env.server";
import * as pg from "./schema-pg";
import * as sqlite from "./schema-sqlite";

export * from "./schema-sqlite";

const tables = (databaseEngine() === "postgres" ? pg : sqlite) as unknown as typeof sqlite;

// Every table of db/schema-sqlite.ts; a missing one would query SQLite's table on PostgreSQL
// (test/unit/db/engine-tables.test.ts lists them).
export const {
  categories,
  tags,
  threads,
  threadTags,
  posts,
  postRevisions,
  votes,
  solutions,
  suggestedEdits,
  kbArticles,
  kbArticleTags,
  kbFeedback,
  flags,
  auditLog,
  moderationSettings,
  closeVotes,
  replyLexicon,
  customerDomainRules,
  watches,
  notifications,
  emailOutbox,
  emailOptOuts,
  siteSecrets,
  notificationFanOuts,
  inboundEmails,
  rateLimitBuckets,
  supportPolicies,
  supportHolidays,
  categoryTargets,
  followUps,
  followUpEvents,
  followUpNotes,
  privateMessages,
  jobLeases,
  followUpSurveys,
  supportMacros,
  followUpDrafts,
  users,
  sessions,
  accountTokens,
  reputationEvents,
  reputationSettings,
  trustSettings,
  rewardsSettings,
  loyaltyBalances,
  rewards,
  rewardRedemptions,
  rewardCodes,
  loyaltyPointEvents,
  badgeAwards,
  badgeStandings,
  visitDays,
  badgeQueue,
  badgeJobState,
  synonymGroups,
  synonymWords,
  failedSearches,
  importRecords,
  importRuns,
  importCheckpoints,
  postComments,
  importedBadges,
} = tables;
