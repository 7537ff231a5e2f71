/**
 * The rewards catalogue admins fill: rewards (created, changed, retired, put back) and the discount
 * codes uploaded for them, each code unique across the catalogue and handed out once. Every change
 * is audited in its own write.
 */
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { rewardCodes, rewardRedemptions, rewards } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, read, writeUnseenByVisitors, type Db } from "~/lib/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { canManageRewards, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { recordAudit } from "~/models/shared/audit.server";
import { CODE_PATTERN, MAX_CODES_PER_UPLOAD, rewardInputSchema } from "./rules";

const rewardSubject = (reward: { id: number; name: string }) => ({
  type: "reward" as const,
  id: reward.id,
  label: reward.name,
});

function ensureAdmin(actor: Actor): asserts actor is Extract<Actor, { kind: "user" }> {
  ensure(canManageRewards(actor), "Only an admin can change the rewards catalogue.");
  ensureSignedIn(actor);
}

/** Unassigned codes per reward, for the ids given. */
export async function freeCodeCounts(db: Db, rewardIds: number[]) {
  if (rewardIds.length === 0) return new Map<number, number>();
  const rows = await db
    .select({ rewardId: rewardCodes.rewardId, free: count() })
    .from(rewardCodes)
    .where(and(inArray(rewardCodes.rewardId, rewardIds), isNull(rewardCodes.redemptionId)))
    .groupBy(rewardCodes.rewardId);
  return new Map(rows.map((row) => [row.rewardId, Number(row.free)]));
}

/** Every reward, retired ones last, with how many are left and how many were redeemed. */
export async function listRewardsForAdmin(actor: Actor) {
  ensureAdmin(actor);
  return read(async (db) => {
    const list = await db
      .select()
      .from(rewards)
      .orderBy(sql`${rewards.retiredAt} IS NOT NULL`, asc(rewards.name));
    const ids = list.map((reward) => reward.id);
    const [free, redeemed] = await Promise.all([
      freeCodeCounts(db, ids),
      ids.length === 0
        ? []
        : db
            .select({ rewardId: rewardRedemptions.rewardId, total: count() })
            .from(rewardRedemptions)
            .where(inArray(rewardRedemptions.rewardId, ids))
            .groupBy(rewardRedemptions.rewardId),
    ]);
    const redeemedBy = new Map(redeemed.map((row) => [row.rewardId, Number(row.total)]));
    return list.map((reward) => ({
      ...reward,
      left: reward.kind === "discount_code" ? (free.get(reward.id) ?? 0) : reward.stock,
      redeemed: redeemedBy.get(reward.id) ?? 0,
    }));
  });
}

export async function getRewardForAdmin(actor: Actor, id: number) {
  ensureAdmin(actor);
  return read(async (db) => {
    const reward = firstRow(await db.select().from(rewards).where(eq(rewards.id, id)));
    if (!reward) throw new NotFoundError("That reward does not exist.");
    const free = (await freeCodeCounts(db, [id])).get(id) ?? 0;
    return { ...reward, freeCodes: free };
  });
}

export async function createReward(actor: Actor, input: unknown) {
  ensureAdmin(actor);
  const values = parseInput(rewardInputSchema, input);
  return writeUnseenByVisitors(async (db) => {
    const at = now();
    const reward = oneRow(
      await db
        .insert(rewards)
        .values({ ...values, createdAt: at, updatedAt: at })
        .returning({ id: rewards.id, name: rewards.name }),
    );
    await recordAudit(actor, { action: "reward.create", subject: rewardSubject(reward), after: values }, at);
    return reward;
  });
}

/** Changes what a reward is called, costs, who may have it and its stock; its kind stays what it was created as. */
export async function updateReward(actor: Actor, id: number, input: unknown) {
  ensureAdmin(actor);
  return writeUnseenByVisitors(async (db) => {
    const before = firstRow(await db.select().from(rewards).where(eq(rewards.id, id)));
    if (!before) throw new NotFoundError("That reward does not exist.");
    const values = parseInput(rewardInputSchema, { ...(input as object), kind: before.kind });
    const at = now();
    await db
      .update(rewards)
      .set({ ...values, updatedAt: at })
      .where(eq(rewards.id, id));
    const { name, description, audience, cost, stock } = before;
    await recordAudit(
      actor,
      {
        action: "reward.update",
        subject: rewardSubject({ id, name: values.name }),
        before: { name, description, audience, cost, stock },
        after: {
          name: values.name,
          description: values.description,
          audience: values.audience,
          cost: values.cost,
          stock: values.stock,
        },
      },
      at,
    );
  });
}

/** Retired rewards leave the catalogue; redemptions already made stay in the queue. */
export async function setRewardRetired(actor: Actor, id: number, retired: boolean) {
  ensureAdmin(actor);
  await writeUnseenByVisitors(async (db) => {
    const at = now();
    const changed = await db
      .update(rewards)
      .set({ retiredAt: retired ? at : null, updatedAt: at })
      .where(and(eq(rewards.id, id), retired ? isNull(rewards.retiredAt) : sql`${rewards.retiredAt} IS NOT NULL`))
      .returning({ id: rewards.id, name: rewards.name });
    if (changed.length === 0) {
      const exists = firstRow(await db.select({ id: rewards.id }).from(rewards).where(eq(rewards.id, id)));
      if (!exists) throw new NotFoundError("That reward does not exist.");
      throw new ConflictError(retired ? "That reward is already retired." : "That reward is already in the catalogue.");
    }
    await recordAudit(
      actor,
      { action: retired ? "reward.retire" : "reward.restore", subject: rewardSubject(changed[0]) },
      at,
    );
  });
}

/**
 * The codes in an upload: one per line, pasted or from a text or CSV file (its first column; a
 * `code` header is skipped). Refuses the whole upload, naming the lines, on a malformed code or one
 * given twice.
 */
export function parseCodes(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const codes: string[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  lines.forEach((line, index) => {
    const cell = line
      .split(",")[0]
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim();
    if (cell === "" || (index === 0 && cell.toLowerCase() === "code")) return;
    const lineNumber = index + 1;
    if (!CODE_PATTERN.test(cell)) problems.push(`line ${lineNumber}: not a code (1-64 characters, no spaces)`);
    else if (seen.has(cell)) problems.push(`line ${lineNumber}: “${cell}” is also on line ${seen.get(cell)}`);
    else {
      seen.set(cell, lineNumber);
      codes.push(cell);
    }
  });
  if (problems.length > 0) throw new ValidationError({ codes: describeProblems(problems) });
  if (codes.length === 0) throw new ValidationError({ codes: "Paste codes or choose a file: one code per line." });
  if (codes.length > MAX_CODES_PER_UPLOAD) {
    throw new ValidationError({ codes: `At most ${MAX_CODES_PER_UPLOAD} codes at a time (this has ${codes.length}).` });
  }
  return codes;
}

function describeProblems(problems: string[]) {
  const shown = problems.slice(0, 5).join("; ");
  return problems.length > 5
    ? `${shown}; and ${problems.length - 5} more. Nothing was added.`
    : `${shown}. Nothing was added.`;
}

/** Adds a discount-code reward's codes; refuses the whole upload when any code is already in the catalogue. */
export async function uploadCodes(actor: Actor, id: number, text: string) {
  ensureAdmin(actor);
  const codes = parseCodes(text);
  return writeUnseenByVisitors(async (db) => {
    const reward = firstRow(await db.select().from(rewards).where(eq(rewards.id, id)));
    if (!reward) throw new NotFoundError("That reward does not exist.");
    if (reward.kind !== "discount_code") throw new ValidationError({ codes: "Only discount-code rewards take codes." });
    const taken: string[] = [];
    for (let start = 0; start < codes.length; start += 500) {
      const rows = await db
        .select({ code: rewardCodes.code })
        .from(rewardCodes)
        .where(inArray(rewardCodes.code, codes.slice(start, start + 500)));
      taken.push(...rows.map((row) => row.code));
    }
    if (taken.length > 0) {
      throw new ValidationError({
        codes: describeProblems(taken.map((code) => `“${code}” was uploaded before`)),
      });
    }
    const at = now();
    for (let start = 0; start < codes.length; start += 500) {
      await db
        .insert(rewardCodes)
        .values(codes.slice(start, start + 500).map((code) => ({ rewardId: id, code, createdAt: at })));
    }
    // The audit entry counts the codes and never lists them: the log is read by every member of staff.
    await recordAudit(
      actor,
      { action: "reward.codes", subject: rewardSubject(reward), after: { added: codes.length } },
      at,
    );
    return { added: codes.length };
  });
}
