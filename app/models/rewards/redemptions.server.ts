/**
 * Redeeming rewards, and staff fulfilling or cancelling what was redeemed. A redemption is one
 * write: the reward's stock, its code and the person's points change together or not at all, each
 * by a conditional statement on the write's own handle, so two redemptions of the last item (two
 * tabs, two servers) give one success and one refusal (DECISIONS.md #75). A discount code is
 * handed over at once (the redemption is fulfilled); the rest wait in the staff queue. No page a
 * visitor sees shows points or rewards, so these writes leave the visitors' page cache alone.
 */
import { z } from "zod";
import { and, asc, desc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { rewardCodes, rewardRedemptions, rewards, users, type Reward } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, read, writeUnseenByVisitors, type Db } from "~/lib/db.server";
import { ConflictError, ForbiddenError, NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canRedeemReward,
  canSeeRewardCode,
  canViewRewards,
  canWorkRedemptions,
  ensure,
  ensureSignedIn,
  isStaff,
  isSuspended,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { notify } from "~/models/notifications/notifications.server";
import { recordAudit } from "~/models/shared/audit.server";
import { freeCodeCounts } from "./catalogue.server";
import { balanceOn, changePoints, spendPoints } from "./points.server";
import { cancelSchema, fulfilSchema, REWARD_KIND_LABELS, shippingAddressSchema } from "./rules";

const QUEUE_HISTORY_LENGTH = 20;

/** Why `actor` may not redeem `reward`, as they read it (null when they may). */
function refusalFor(actor: Actor, reward: Pick<Reward, "audience">) {
  if (canRedeemReward(actor, reward)) return null;
  if (isSuspended(actor)) return "Your account is suspended: you cannot redeem rewards until the suspension ends.";
  if (isStaff(actor)) return "Staff and admins do not redeem rewards (they earn no points).";
  return "This reward is for customers only.";
}

/** The catalogue as `actor` sees it: rewards not retired, how many are left, and whether they may redeem each. */
export async function listCatalogue(actor: Actor) {
  ensure(canViewRewards(actor), "Sign in to see rewards.");
  return read(async (db) => {
    const list = await db
      .select()
      .from(rewards)
      .where(isNull(rewards.retiredAt))
      .orderBy(asc(rewards.cost), asc(rewards.name));
    const free = await freeCodeCounts(
      db,
      list.filter((reward) => reward.kind === "discount_code").map((reward) => reward.id),
    );
    return list.map((reward) => ({
      id: reward.id,
      name: reward.name,
      description: reward.description,
      kind: reward.kind,
      audience: reward.audience,
      cost: reward.cost,
      left: reward.kind === "discount_code" ? (free.get(reward.id) ?? 0) : reward.stock,
      refusal: refusalFor(actor, reward),
    }));
  });
}

/** One reward of the catalogue, for its redeem page (a retired one does not exist to redeemers). */
export async function getCatalogueReward(actor: Actor, id: number) {
  const reward = (await listCatalogue(actor)).find((item) => item.id === id);
  if (!reward) throw new NotFoundError("That reward is not in the catalogue.");
  return reward;
}

/**
 * Redeems reward `rewardId` for `actor` (`input` carries a shipping address for merchandise).
 * Refusals (not enough points, none left, no codes left, not for this role) are 4xx with nothing
 * changed; each attempt counts against the rate limit, refused or not.
 */
/**
 * The price the redeem form showed (its hidden field), so a price changed since is refused, not
 * charged. Scripts that send none pay the price of the moment.
 */
const seenCostSchema = z.object({ cost: z.coerce.number().int().optional() });

export async function redeemReward(actor: Actor, rewardId: number, input: unknown) {
  ensure(canViewRewards(actor), "Sign in to redeem rewards.");
  ensureSignedIn(actor);
  await consume(`redeem:user:${actor.id}`, LIMITS.redeem);
  return writeUnseenByVisitors(async (db) => {
    const reward = firstRow(await db.select().from(rewards).where(eq(rewards.id, rewardId)));
    if (!reward || reward.retiredAt) throw new NotFoundError("That reward is not in the catalogue.");
    const refusal = refusalFor(actor, reward);
    if (refusal) throw new ForbiddenError(refusal);
    const address = reward.kind === "merchandise" ? parseInput(shippingAddressSchema, input) : null;
    const seen = seenCostSchema.safeParse(input);
    if (!seen.success) throw new ConflictError("This form is out of date: reload the page and try again.");
    const seenCost = seen.data.cost;
    if (seenCost !== undefined && seenCost !== reward.cost)
      throw new ConflictError(
        `The price of “${reward.name}” is now ${reward.cost} points (it was ${seenCost} when you opened the page). Nothing was spent: check it and redeem again.`,
      );
    const at = now();
    const isCode = reward.kind === "discount_code";
    const redemption = oneRow(
      await db
        .insert(rewardRedemptions)
        .values({
          rewardId,
          userId: actor.id,
          cost: reward.cost,
          // A code is handed over now: there is nothing left for staff to do.
          status: isCode ? "fulfilled" : "requested",
          handledAt: isCode ? at : null,
          ...address,
          createdAt: at,
        })
        .returning({ id: rewardRedemptions.id }),
    );
    if (reward.stock !== null) await takeFromStock(db, reward);
    const code = isCode ? await claimCode(db, reward, redemption.id) : null;
    await spendFor(actor, reward, redemption.id, at);
    return { redemptionId: redemption.id, rewardName: reward.name, code };
  });
}

async function takeFromStock(db: Db, reward: Reward) {
  const taken = await db
    .update(rewards)
    .set({ stock: sql`${rewards.stock} - 1` })
    .where(and(eq(rewards.id, reward.id), sql`${rewards.stock} > 0`))
    .returning({ id: rewards.id });
  if (taken.length === 0) throw new ConflictError(`Sorry, “${reward.name}” is out of stock. Nothing was spent.`);
}

async function claimCode(db: Db, reward: Reward, redemptionId: number) {
  const next = db
    .select({ id: rewardCodes.id })
    .from(rewardCodes)
    .where(and(eq(rewardCodes.rewardId, reward.id), isNull(rewardCodes.redemptionId)))
    .orderBy(asc(rewardCodes.id))
    .limit(1);
  const claimed = await db
    .update(rewardCodes)
    .set({ redemptionId })
    .where(and(eq(rewardCodes.id, sql`(${next})`), isNull(rewardCodes.redemptionId)))
    .returning({ code: rewardCodes.code });
  if (claimed.length === 0) throw new ConflictError(`Sorry, “${reward.name}” has no codes left. Nothing was spent.`);
  return claimed[0].code;
}

async function spendFor(actor: Member, reward: Reward, redemptionId: number, at: Date) {
  const balance = await spendPoints({ userId: actor.id, points: reward.cost, redemptionId }, at);
  if (balance !== null) return;
  const have = await read((db) => balanceOn(db, actor.id));
  throw new ConflictError(
    `“${reward.name}” costs ${reward.cost} points and you have ${have}: ${reward.cost - have} more to go. Nothing was spent.`,
  );
}

type RedemptionRow = typeof rewardRedemptions.$inferSelect;

/** The codes of these redemptions that `actor` may read: each one's redeemer, and staff. */
async function codesFor(db: Db, actor: Actor, list: Pick<RedemptionRow, "id" | "userId">[]) {
  const readable = list.filter((redemption) => canSeeRewardCode(actor, redemption)).map((redemption) => redemption.id);
  if (readable.length === 0) return new Map<number, string>();
  const rows = await db
    .select({ redemptionId: rewardCodes.redemptionId, code: rewardCodes.code })
    .from(rewardCodes)
    .where(inArray(rewardCodes.redemptionId, readable));
  return new Map(rows.map((row) => [row.redemptionId!, row.code]));
}

/** The actor's own redemptions, newest first, with their codes. */
export async function myRedemptions(actor: Actor) {
  ensureSignedIn(actor);
  return read(async (db) => {
    const list = await db
      .select({ redemption: rewardRedemptions, rewardName: rewards.name, kind: rewards.kind })
      .from(rewardRedemptions)
      .innerJoin(rewards, eq(rewards.id, rewardRedemptions.rewardId))
      .where(eq(rewardRedemptions.userId, actor.id))
      .orderBy(desc(rewardRedemptions.createdAt), desc(rewardRedemptions.id));
    const codes = await codesFor(
      db,
      actor,
      list.map((row) => row.redemption),
    );
    return list.map(({ redemption, rewardName, kind }) => ({
      id: redemption.id,
      rewardName,
      kind,
      cost: redemption.cost,
      status: redemption.status,
      staffNote: redemption.staffNote,
      createdAt: redemption.createdAt,
      handledAt: redemption.handledAt,
      code: codes.get(redemption.id) ?? null,
    }));
  });
}

/** Staff's queue: what waits to be fulfilled, oldest first, and the latest handled. */
export async function redemptionQueue(actor: Actor) {
  ensure(canWorkRedemptions(actor), "Only staff work the rewards queue.");
  return read(async (db) => {
    const columns = {
      redemption: rewardRedemptions,
      rewardName: rewards.name,
      kind: rewards.kind,
      username: users.username,
      email: users.email,
    };
    const [waiting, handled] = await Promise.all([
      db
        .select(columns)
        .from(rewardRedemptions)
        .innerJoin(rewards, eq(rewards.id, rewardRedemptions.rewardId))
        .innerJoin(users, eq(users.id, rewardRedemptions.userId))
        .where(eq(rewardRedemptions.status, "requested"))
        .orderBy(asc(rewardRedemptions.createdAt), asc(rewardRedemptions.id)),
      db
        .select(columns)
        .from(rewardRedemptions)
        .innerJoin(rewards, eq(rewards.id, rewardRedemptions.rewardId))
        .innerJoin(users, eq(users.id, rewardRedemptions.userId))
        .where(ne(rewardRedemptions.status, "requested"))
        .orderBy(desc(rewardRedemptions.handledAt), desc(rewardRedemptions.id))
        .limit(QUEUE_HISTORY_LENGTH),
    ]);
    const codes = await codesFor(
      db,
      actor,
      [...waiting, ...handled].map((row) => row.redemption),
    );
    const shape = ({ redemption, ...row }: (typeof waiting)[number]) => ({
      ...row,
      ...redemption,
      kindLabel: REWARD_KIND_LABELS[row.kind],
      code: codes.get(redemption.id) ?? null,
    });
    return { waiting: waiting.map(shape), handled: handled.map(shape) };
  });
}

/** Marks a requested redemption fulfilled (with a note the redeemer reads), and tells them. */
export async function fulfilRedemption(actor: Actor, id: number, input: unknown) {
  ensure(canWorkRedemptions(actor), "Only staff fulfil rewards.");
  ensureSignedIn(actor);
  const { note } = parseInput(fulfilSchema, input);
  await writeUnseenByVisitors(async (db) => {
    const at = now();
    const redemption = await handle(db, actor, id, "fulfilled", note || null, at);
    await recordAudit(
      actor,
      {
        action: "redemption.fulfil",
        subject: { type: "redemption", id, label: redemption.rewardName },
        reason: note || null,
      },
      at,
    );
    await notify(
      {
        userId: redemption.userId,
        kind: "reward-redemption",
        title: `Your reward is on its way: ${redemption.rewardName}`,
        path: `/rewards#redemption-${id}`,
        emailText: `We have fulfilled your reward “${redemption.rewardName}”.${note ? `\n\n${note}` : ""}`,
        reason: "You redeemed this reward with your loyalty points.",
        actorId: actor.id,
      },
      at,
    );
  });
}

/** Cancels a requested redemption with a reason: its points come back, and its item goes back in stock. */
export async function cancelRedemption(actor: Actor, id: number, input: unknown) {
  ensure(canWorkRedemptions(actor), "Only staff cancel redemptions.");
  ensureSignedIn(actor);
  const { reason } = parseInput(cancelSchema, input);
  await writeUnseenByVisitors(async (db) => {
    const at = now();
    const redemption = await handle(db, actor, id, "cancelled", reason, at);
    await changePoints(
      {
        userId: redemption.userId,
        kind: "refunded",
        points: redemption.cost,
        redemptionId: id,
        actorId: actor.id,
        reason,
      },
      at,
    );
    await db
      .update(rewards)
      .set({ stock: sql`${rewards.stock} + 1` })
      .where(and(eq(rewards.id, redemption.rewardId), sql`${rewards.stock} IS NOT NULL`));
    await recordAudit(
      actor,
      { action: "redemption.cancel", subject: { type: "redemption", id, label: redemption.rewardName }, reason },
      at,
    );
    await notify(
      {
        userId: redemption.userId,
        kind: "reward-redemption",
        title: `Your reward was cancelled and your ${redemption.cost} points refunded: ${redemption.rewardName}`,
        path: `/rewards#redemption-${id}`,
        emailText: `We cancelled your reward “${redemption.rewardName}” and gave your ${redemption.cost} points back.\n\n${reason}`,
        reason: "You redeemed this reward with your loyalty points.",
        actorId: actor.id,
      },
      at,
    );
  });
}

/** Moves a requested redemption to `status`, once: a second hand (another tab, another member of staff) is refused. */
async function handle(
  db: Db,
  actor: Member,
  id: number,
  status: "fulfilled" | "cancelled",
  note: string | null,
  at: Date,
) {
  const changed = await db
    .update(rewardRedemptions)
    .set({ status, staffNote: note, handledById: actor.id, handledAt: at })
    .where(and(eq(rewardRedemptions.id, id), eq(rewardRedemptions.status, "requested")))
    .returning();
  if (changed.length === 0) {
    const exists = firstRow(
      await db.select({ id: rewardRedemptions.id }).from(rewardRedemptions).where(eq(rewardRedemptions.id, id)),
    );
    if (!exists) throw new NotFoundError("That redemption does not exist.");
    throw new ConflictError("Someone has already fulfilled or cancelled this redemption.");
  }
  const reward = oneRow(
    await db.select({ name: rewards.name }).from(rewards).where(eq(rewards.id, changed[0].rewardId)),
  );
  return { ...changed[0], rewardName: reward.name };
}
