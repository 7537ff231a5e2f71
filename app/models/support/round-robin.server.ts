/**
 * Round-robin assignment: in a category whose policy says so, each new follow-up goes to the next
 * staff member on shift after the one who got the last (in username order, wrapping), and the
 * policy remembers who that was. Staff say themselves when they are on shift. Nobody on shift:
 * the follow-up stays unassigned for whoever takes it. Runs inside the opening write, whose write
 * lock (one for the whole database, on every process: DECISIONS.md #65) keeps two servers from
 * handing out the same turn.
 */
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import { followUps, supportPolicies, users } from "../../../db/schema";
import { firstRow, inWrite, read, writeUnseenByVisitors } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { canWorkFollowUps, ensure, ensureSignedIn, staffRoleCondition, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { writeFollowUpEvent } from "~/models/shared/follow-up-state.server";
import { tellAssigned } from "./staff-notices.server";

/** Whether `actor` is on shift (false for anyone who cannot work the queue). */
export async function isOnShift(actor: Actor) {
  if (!canWorkFollowUps(actor)) return false;
  ensureSignedIn(actor);
  const row = firstRow(
    await read((db) => db.select({ onShift: users.onShift }).from(users).where(eq(users.id, actor.id))),
  );
  return row?.onShift ?? false;
}

const shiftSchema = z.object({
  onShift: z.enum(["true", "false"], { error: "Say whether you are on shift." }).transform((value) => value === "true"),
});

/** "I'm on shift" / "Go off shift": staff only; only round-robin assignment reads it. */
export async function setOnShift(actor: Actor, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff go on shift.");
  ensureSignedIn(actor);
  const { onShift } = parseInput(shiftSchema, input);
  // No visitor's page shows who is on shift.
  return writeUnseenByVisitors(async (db) => {
    await consume(`support:user:${actor.id}`, LIMITS.supportAction);
    await db.update(users).set({ onShift }).where(eq(users.id, actor.id));
    return { onShift };
  });
}

/**
 * Hands `followUp` (just opened in category `categoryId`) to the next staff member on shift, when
 * the category's policy turns round-robin on; a category without a policy row has it off. Returns
 * the assignee's id, or null. Part of the caller's write.
 */
export async function assignInTurn(
  followUp: { id: number; threadId: number; assigneeId: number | null },
  categoryId: number,
  at: Date,
) {
  return inWrite(async (db) => {
    const policy = firstRow(
      await db
        .select({ roundRobin: supportPolicies.roundRobin, lastAssigneeId: supportPolicies.lastAssigneeId })
        .from(supportPolicies)
        .where(eq(supportPolicies.categoryId, categoryId)),
    );
    if (!policy?.roundRobin) return null;
    // Whoever sorts after the last assignee comes first, then the rest from the top (the wrap).
    const last = sql`(SELECT lower(username) FROM users WHERE id = ${policy.lastAssigneeId})`;
    const next = firstRow(
      await db
        .select({ id: users.id, username: users.username })
        .from(users)
        .where(
          and(
            staffRoleCondition(users.role),
            eq(users.onShift, true),
            or(isNull(users.suspendedUntil), lte(users.suspendedUntil, at)),
          ),
        )
        .orderBy(
          sql`CASE WHEN lower(${users.username}) > ${last} THEN 0 ELSE 1 END`,
          sql`lower(${users.username})`,
          users.id,
        )
        .limit(1),
    );
    if (!next) return null;
    await db.update(followUps).set({ assigneeId: next.id, updatedAt: at }).where(eq(followUps.id, followUp.id));
    await db.update(supportPolicies).set({ lastAssigneeId: next.id }).where(eq(supportPolicies.categoryId, categoryId));
    await writeFollowUpEvent(followUp.id, null, "assigned", next.username, at);
    await tellAssigned(followUp, next.id, null, at);
    return next.id;
  });
}
