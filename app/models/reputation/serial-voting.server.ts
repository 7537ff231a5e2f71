/**
 * Serial voting: one person voting many posts of another within a day is voting for (or against)
 * the person, not the posts. A background job reverses the reputation such votes earned or cost
 * (the votes themselves stay, as the posts' scores) and staff see each case, with the audit log's
 * entry. Votes already reversed as serial still count toward the threshold, so a voter who goes
 * on is caught again at their next vote, not five votes later.
 */
import { and, desc, eq, gte, inArray, isNull, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { reputationEvents, users } from "../../../db/schema";
import { read, write } from "~/lib/db.server";
import { canReviewSerialVoting, ensure, type Actor } from "~/lib/permissions.server";
import { recordAudit } from "~/models/shared/audit.server";
import { reverse } from "./ledger.server";
import { SERIAL_VOTING_THRESHOLD, SERIAL_VOTING_WINDOW_MS } from "./rules";

const VOTE_EFFECTS = ["upvote", "downvote"] as const;

/** The job: reverses what serial votes of the last window earned; returns how many events. */
export async function reverseSerialVoting(at: Date) {
  const since = new Date(at.getTime() - SERIAL_VOTING_WINDOW_MS);
  const inWindow = and(
    inArray(reputationEvents.reason, [...VOTE_EFFECTS]),
    gte(reputationEvents.createdAt, since),
    or(isNull(reputationEvents.reversedAt), eq(reputationEvents.reversal, "serial_voting")),
  );
  const cases = await read((db) =>
    db
      .select({ voterId: reputationEvents.actorId, userId: reputationEvents.userId, reason: reputationEvents.reason })
      .from(reputationEvents)
      .where(inWindow)
      .groupBy(reputationEvents.actorId, reputationEvents.userId, reputationEvents.reason)
      .having(
        and(
          sql`count(*) >= ${SERIAL_VOTING_THRESHOLD}`,
          sql`sum(CASE WHEN ${reputationEvents.reversedAt} IS NULL THEN 1 ELSE 0 END) > 0`,
        ),
      ),
  );
  let reversed = 0;
  for (const { voterId, userId, reason } of cases) {
    if (voterId === null) continue;
    // Each case in a write of its own: the reversal and its audit entry stand or fall together.
    reversed += await write(async (db) => {
      const count = await reverse(
        and(
          inWindow,
          eq(reputationEvents.actorId, voterId),
          eq(reputationEvents.userId, userId),
          eq(reputationEvents.reason, reason),
        ),
        "serial_voting",
        at,
      );
      if (count === 0) return 0;
      const names = await db
        .select({ id: users.id, username: users.username })
        .from(users)
        .where(inArray(users.id, [voterId, userId]));
      const nameOf = (id: number) => names.find((row) => row.id === id)?.username ?? "a deleted account";
      await recordAudit(
        null,
        {
          action: "reputation.serial-voting",
          subject: { type: "user", id: userId, label: nameOf(userId) },
          reason: `${nameOf(voterId)} ${reason === "upvote" ? "upvoted" : "downvoted"} ${count} more of their posts within a day`,
          after: { voter: nameOf(voterId), votes: count },
        },
        at,
      );
      return count;
    });
  }
  return { reversed };
}

/** What the job reversed, newest first: for staff, one row per voter, person, kind of vote and run. */
export async function listSerialVotingCases(actor: Actor, page: number, pageSize = 20) {
  ensure(canReviewSerialVoting(actor), "Only staff can see serial-voting cases.");
  const voter = alias(users, "voter");
  const target = alias(users, "target");
  const rows = await read((db) =>
    db
      .select({
        voter: voter.username,
        target: target.username,
        reason: reputationEvents.reason,
        votes: sql<number>`count(*)`,
        points: sql<number>`sum(${reputationEvents.points})`,
        reversedAt: reputationEvents.reversedAt,
      })
      .from(reputationEvents)
      .innerJoin(target, eq(target.id, reputationEvents.userId))
      .leftJoin(voter, eq(voter.id, reputationEvents.actorId))
      .where(eq(reputationEvents.reversal, "serial_voting"))
      .groupBy(voter.username, target.username, reputationEvents.reason, reputationEvents.reversedAt)
      .orderBy(desc(reputationEvents.reversedAt), target.username)
      .limit(pageSize + 1)
      .offset((page - 1) * pageSize),
  );
  return {
    cases: rows.slice(0, pageSize).map((row) => ({ ...row, votes: Number(row.votes), points: Number(row.points) })),
    hasNextPage: rows.length > pageSize,
  };
}
