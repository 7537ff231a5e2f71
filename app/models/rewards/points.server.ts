/**
 * Loyalty points: one loyalty_point_events row per change and each person's balance kept with it
 * (db/schema/rewards.ts states the invariants). Points follow reputation: within one share period a
 * person has earned exactly floor(max(0, reputation) × share / 100), so reputation taken back takes
 * its points back and rounding never drifts (DECISIONS.md #75).
 */
import { and, desc, eq, sql } from "drizzle-orm";
import {
  loyaltyBalances,
  loyaltyPointEvents,
  rewardsSettings,
  users,
  type LoyaltyPointKind,
  type Role,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, inWrite, rawRows, read, writeUnseenByVisitors, type Db } from "~/lib/db.server";
import { ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canManageRewards,
  canSeeLoyaltyPoints,
  earnsLoyaltyPoints,
  ensure,
  ensureSignedIn,
  type Actor,
} from "~/lib/permissions.server";
import { recordAudit } from "~/models/shared/audit.server";
import type { DomainEvents } from "~/models/shared/events.server";
import {
  adjustmentSchema,
  DEFAULT_SHARE_PERCENT,
  pointsForReputation,
  POINTS_HISTORY_LENGTH,
  shareSchema,
} from "./rules";

const EARNING_KINDS: LoyaltyPointKind[] = ["earned", "earning_reversed"];

async function shareOn(db: Db) {
  const row = firstRow(await db.select().from(rewardsSettings).where(eq(rewardsSettings.id, 1)));
  return row?.sharePercent ?? DEFAULT_SHARE_PERCENT;
}

export async function getRewardsSettings() {
  return { sharePercent: await read(shareOn) };
}

export async function updateRewardsSettings(actor: Actor, input: unknown) {
  ensure(canManageRewards(actor), "Only an admin can change how points are earned.");
  ensureSignedIn(actor);
  const { sharePercent } = parseInput(shareSchema, input);
  await writeUnseenByVisitors(async (db) => {
    const before = await shareOn(db);
    if (before === sharePercent) return;
    await db
      .insert(rewardsSettings)
      .values({ id: 1, sharePercent })
      .onConflictDoUpdate({ target: rewardsSettings.id, set: { sharePercent } });
    await recordAudit(actor, {
      action: "rewards.settings",
      subject: { type: "settings", id: 1, label: "Loyalty points" },
      before: { sharePercent: before },
      after: { sharePercent },
    });
  });
}

type PointChange = {
  userId: number;
  kind: LoyaltyPointKind;
  points: number;
  reputationTotal?: number;
  redemptionId?: number;
  actorId?: number | null;
  reason?: string | null;
};

/**
 * Writes one change of points and the balance with it; part of the caller's write. `earning` also
 * sets where the person's share period stands (earning rows only).
 */
export async function changePoints(
  change: PointChange,
  at: Date,
  earning?: { sharePercent: number; anchorTotal: number; anchorPoints: number },
) {
  await inWrite(async (db) => {
    const earnedBy = EARNING_KINDS.includes(change.kind) ? change.points : 0;
    const share = earning ?? { sharePercent: await shareOn(db), anchorTotal: 0, anchorPoints: 0 };
    const balanceRow = db
      .insert(loyaltyBalances)
      .values({ userId: change.userId, balance: change.points, earned: earnedBy, ...share, updatedAt: at })
      .onConflictDoUpdate({
        target: loyaltyBalances.userId,
        set: {
          balance: sql`${loyaltyBalances.balance} + ${change.points}`,
          earned: sql`${loyaltyBalances.earned} + ${earnedBy}`,
          ...(earning ?? {}),
          updatedAt: at,
        },
      });
    const eventRow =
      change.points === 0
        ? null
        : db.insert(loyaltyPointEvents).values({
            userId: change.userId,
            kind: change.kind,
            points: change.points,
            reputationTotal: change.reputationTotal ?? null,
            redemptionId: change.redemptionId ?? null,
            actorId: change.actorId ?? null,
            reason: change.reason ?? null,
            createdAt: at,
          });
    await Promise.all([balanceRow, eventRow]);
  });
}

/**
 * "reputation changed" (inside its write): brings what the person has earned to what their
 * reputation is worth at their share. A change of share starts a new period at the reputation the
 * person had before this change, so points already earned stay and the new share applies from then on.
 */
export async function earnWithReputation({ userId, change, total, at }: DomainEvents["reputation changed"]) {
  await inWrite(async (db) => {
    const [user, sharePercent, balance] = await Promise.all([
      db.select({ role: users.role }).from(users).where(eq(users.id, userId)).then(firstRow),
      shareOn(db),
      db.select().from(loyaltyBalances).where(eq(loyaltyBalances.userId, userId)).then(firstRow),
    ]);
    if (!user || !earnsLoyaltyPoints(user.role)) return;
    const earned = balance?.earned ?? 0;
    const newPeriod = balance !== undefined && balance.sharePercent !== sharePercent;
    const anchorTotal = !balance ? 0 : newPeriod ? total - change : balance.anchorTotal;
    const anchorPoints = !balance ? 0 : newPeriod ? earned : balance.anchorPoints;
    const worth = Math.max(
      0,
      anchorPoints + pointsForReputation(total, sharePercent) - pointsForReputation(anchorTotal, sharePercent),
    );
    if (worth === earned && !newPeriod && balance) return;
    await changePoints(
      { userId, kind: worth >= earned ? "earned" : "earning_reversed", points: worth - earned, reputationTotal: total },
      at,
      { sharePercent, anchorTotal, anchorPoints },
    );
  });
}

/** An admin adds or removes points, with a reason the person reads; audited. */
export async function adjustPoints(actor: Actor, input: unknown) {
  ensure(canManageRewards(actor), "Only an admin can adjust points.");
  ensureSignedIn(actor);
  const { username, points, reason } = parseInput(adjustmentSchema, input);
  return writeUnseenByVisitors(async (db) => {
    const person = firstRow(
      await db
        .select({ id: users.id, username: users.username, role: users.role })
        .from(users)
        .where(eq(users.username, username.toLowerCase())),
    );
    if (!person) throw new ValidationError({ username: "No one has that username." });
    if (!earnsLoyaltyPoints(person.role)) throw new ValidationError({ username: "Staff and admins have no points." });
    const before = await balanceOn(db, person.id);
    // Taking away may not go below zero; giving is always allowed (a balance can be below zero after
    // reputation was taken back from points already spent).
    if (points < 0 && before + points < 0) {
      throw new ValidationError({
        points:
          before > 0
            ? `${person.username} has ${before} points: take away at most that many.`
            : `${person.username} has ${before} points: there is nothing to take away.`,
      });
    }
    const at = now();
    await changePoints({ userId: person.id, kind: "adjusted", points, actorId: actor.id, reason }, at);
    await recordAudit(
      actor,
      {
        action: "loyalty.adjust",
        subject: { type: "user", id: person.id, label: person.username },
        reason,
        before: { balance: before },
        after: { balance: before + points },
      },
      at,
    );
    return { username: person.username, balance: before + points };
  });
}

/**
 * Spends `points` when the person has that many, in one conditional statement (so two spends at
 * once never take a balance below zero), with its row; part of the caller's write. The new
 * balance, or null when they have too few (nothing changed).
 */
export async function spendPoints(spend: { userId: number; points: number; redemptionId: number }, at: Date) {
  return inWrite(async (db) => {
    const spent = firstRow(
      await db
        .update(loyaltyBalances)
        .set({ balance: sql`${loyaltyBalances.balance} - ${spend.points}`, updatedAt: at })
        .where(and(eq(loyaltyBalances.userId, spend.userId), sql`${loyaltyBalances.balance} >= ${spend.points}`))
        .returning({ balance: loyaltyBalances.balance }),
    );
    if (!spent) return null;
    await db.insert(loyaltyPointEvents).values({
      userId: spend.userId,
      kind: "spent",
      points: -spend.points,
      redemptionId: spend.redemptionId,
      createdAt: at,
    });
    return spent.balance;
  });
}

export async function balanceOn(db: Db, userId: number) {
  const row = firstRow(
    await db
      .select({ balance: loyaltyBalances.balance })
      .from(loyaltyBalances)
      .where(eq(loyaltyBalances.userId, userId)),
  );
  return row?.balance ?? 0;
}

/** A person's balance for their profile: null for anyone who may not see it. */
export async function loyaltyBalanceFor(actor: Actor, owner: { id: number; role: Role }) {
  if (!canSeeLoyaltyPoints(actor, owner) || !earnsLoyaltyPoints(owner.role)) return null;
  return read((db) => balanceOn(db, owner.id));
}

/** The actor's own balance and newest changes of points. */
export async function myPoints(actor: Actor) {
  ensureSignedIn(actor);
  return read(async (db) => {
    const [balance, history] = await Promise.all([
      balanceOn(db, actor.id),
      db
        .select({
          id: loyaltyPointEvents.id,
          kind: loyaltyPointEvents.kind,
          points: loyaltyPointEvents.points,
          reputationTotal: loyaltyPointEvents.reputationTotal,
          reason: loyaltyPointEvents.reason,
          createdAt: loyaltyPointEvents.createdAt,
        })
        .from(loyaltyPointEvents)
        .where(eq(loyaltyPointEvents.userId, actor.id))
        .orderBy(desc(loyaltyPointEvents.createdAt), desc(loyaltyPointEvents.id))
        .limit(POINTS_HISTORY_LENGTH),
    ]);
    return { balance, history };
  });
}

/**
 * Every person whose stored balance or earnings differ from the sum of their rows (none, when the
 * invariant holds): the proof behind `npm run loyalty:check`.
 */
export async function checkLoyaltyBalances() {
  return read((db) =>
    rawRows<{ userId: number; balance: number | null; earned: number | null; rowsBalance: number; rowsEarned: number }>(
      db,
      sql`SELECT u.id AS "userId", b.balance AS balance, b.earned AS earned,
            coalesce((SELECT sum(e.points) FROM loyalty_point_events e WHERE e.user_id = u.id), 0) AS "rowsBalance",
            coalesce((SELECT sum(e.points) FROM loyalty_point_events e
                      WHERE e.user_id = u.id AND e.kind IN ('earned', 'earning_reversed')), 0) AS "rowsEarned"
          FROM users u LEFT JOIN loyalty_balances b ON b.user_id = u.id
          WHERE b.user_id IS NOT NULL OR EXISTS (SELECT 1 FROM loyalty_point_events e WHERE e.user_id = u.id)`,
    ),
  ).then((rows) =>
    rows.filter(
      (row) =>
        Number(row.balance ?? 0) !== Number(row.rowsBalance) || Number(row.earned ?? 0) !== Number(row.rowsEarned),
    ),
  );
}
