/** Staff work on a follow-up: taking, assigning, prioritising, moving it on; resolving it when its thread is solved. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { followUps, users, FOLLOW_UP_PRIORITIES, FOLLOW_UP_STATUSES } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, inWrite, oneRow, write, read, type ChangedPages } from "~/lib/db.server";
import { ConflictError, NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { MAX_ROW_ID } from "~/lib/row-ids";
import {
  canWorkFollowUps,
  ensure,
  ensureSignedIn,
  isStaffRole,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import {
  activeFollowUpFor,
  changeFollowUpStatus,
  writeFollowUpEvent,
  type FollowUpRow,
} from "~/models/shared/follow-up-state.server";
import { findFollowUp } from "./access.server";
import { dueTimes, policyOfThread } from "./policies.server";
import { PRIORITY_LABELS, QUEUE_PAGE_SIZE, STATUS_LABELS } from "./rules";
import { tellAssigned } from "./staff-notices.server";

const workSchema = z.object({
  intent: z.enum(["take", "assign", "priority", "status"], { error: "Unknown action." }),
  assignee: z.string().trim().max(40).optional(),
  priority: z.enum(FOLLOW_UP_PRIORITIES, { error: "Choose a priority." }).optional(),
  status: z.enum(FOLLOW_UP_STATUSES, { error: "Choose a status." }).optional(),
});

/**
 * The bulk bar's form: `ids` is the selected follow-ups' numbers, comma-separated (at most a page
 * of them). The bar posts all its fields whichever button was pressed: an empty one is not given.
 */
const bulkWorkSchema = z.preprocess(
  (input) =>
    typeof input === "object" && input !== null
      ? Object.fromEntries(Object.entries(input).filter(([name, value]) => name === "ids" || value !== ""))
      : input,
  workSchema
    .extend({
      ids: z
        .string({ error: "Select at least one follow-up." })
        .transform((text) => [...new Set(text.split(",").filter(Boolean))])
        .pipe(
          z
            .array(
              z
                .string()
                .regex(/^[1-9][0-9]{0,9}$/, "Select follow-ups from the list.")
                .transform(Number)
                .pipe(z.number().max(MAX_ROW_ID, "Select follow-ups from the list.")),
            )
            .min(1, "Select at least one follow-up.")
            .max(QUEUE_PAGE_SIZE, `Select at most ${QUEUE_PAGE_SIZE} follow-ups at once.`),
        ),
    })
    .superRefine((values, context) => {
      const missing = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
      if (values.intent === "assign" && !values.assignee) missing("assignee", "Choose who to assign them to.");
      if (values.intent === "priority" && !values.priority) missing("priority", "Choose a priority.");
      if (values.intent === "status" && !values.status) missing("status", "Choose a status.");
    }),
);

type WorkValues = z.infer<typeof workSchema>;

/** Staff take, assign, re-prioritise or move a follow-up. */
export async function workOnFollowUp(actor: Actor, followUpId: number, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can work on follow-ups.");
  ensureSignedIn(actor);
  const values = parseInput(workSchema, input);
  return write((_db, changed) => workOnOne(actor, followUpId, values, changed));
}

/**
 * Staff do one of the same things to several follow-ups at once (the queue's bulk bar): each goes
 * through `workOnOne`, with its own events, audit record, notifications and rate-limit count, all
 * in one write, so either every selected follow-up changes or none does.
 */
export async function workOnFollowUps(actor: Actor, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can work on follow-ups.");
  ensureSignedIn(actor);
  const values = parseInput(bulkWorkSchema, input);
  await write(async (_db, changed) => {
    for (const followUpId of values.ids) {
      try {
        await workOnOne(actor, followUpId, values, changed);
      } catch (error) {
        // Which one failed, as a message on the form (a missing one is not a 404 page here).
        if (error instanceof NotFoundError || error instanceof ConflictError)
          throw new ConflictError(`Nothing was changed: follow-up #${followUpId}: ${error.message}`);
        throw error;
      }
    }
  });
  return { count: values.ids.length, message: bulkMessage(values, actor.username) };
}

function bulkMessage(values: z.infer<typeof bulkWorkSchema>, actorName: string) {
  const n = values.ids.length;
  const followUpsText = `${n} follow-up${n === 1 ? "" : "s"}`;
  switch (values.intent) {
    case "take":
      return `${followUpsText} assigned to you (${actorName})`;
    case "assign":
      return `${followUpsText} assigned to ${values.assignee}`;
    case "priority":
      return `${followUpsText} set to ${PRIORITY_LABELS[values.priority!].toLowerCase()} priority`;
    case "status":
      return `${followUpsText} moved to ${STATUS_LABELS[values.status!].toLowerCase()}`;
  }
}

/** One follow-up's change, inside the caller's write: the single action, and each item of a bulk one. */
function workOnOne(actor: Member, followUpId: number, values: WorkValues, changed: ChangedPages) {
  return inWrite(async (db) => {
    let followUp: FollowUpRow = await findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    await consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    const before = await workedFields(followUp);
    if (values.intent === "take" || values.intent === "assign") {
      const assignee =
        values.intent === "take"
          ? actor
          : firstRow(
              await db
                .select({ id: users.id, username: users.username, role: users.role })
                .from(users)
                .where(eq(users.username, values.assignee ?? "")),
            );
      if (!assignee || !isStaffRole(assignee.role)) throw new ConflictError("Assign it to a member of staff.");
      if (followUp.assigneeId !== assignee.id) {
        followUp = oneRow(
          await db
            .update(followUps)
            .set({ assigneeId: assignee.id, updatedAt: at, dueWarningSentAt: null })
            .where(eq(followUps.id, followUp.id))
            .returning(),
        );
        await writeFollowUpEvent(followUp.id, actor.id, "assigned", assignee.username, at);
        await tellAssigned(followUp, assignee.id, actor.id, at);
      }
      if (followUp.status === "new") await changeFollowUpStatus(followUp, "open", actor.id, at);
    } else if (values.intent === "priority") {
      if (!values.priority) throw new ConflictError("Choose a priority.");
      if (values.priority !== followUp.priority) {
        // Each priority has its own targets: the unmet ones are counted again from when the customer asked.
        const due = dueTimes(
          await policyOfThread(followUp.threadId),
          values.priority,
          followUp.askedAt,
          followUp.waitedMs,
        );
        await db
          .update(followUps)
          .set({
            priority: values.priority,
            firstResponseDueAt: followUp.firstRespondedAt ? followUp.firstResponseDueAt : due.firstResponseDueAt,
            resolutionDueAt: due.resolutionDueAt,
            dueWarningSentAt: null,
            updatedAt: at,
          })
          .where(eq(followUps.id, followUp.id));
        await writeFollowUpEvent(followUp.id, actor.id, "priority", `${followUp.priority} → ${values.priority}`, at);
      }
    } else {
      if (!values.status) throw new ConflictError("Choose a status.");
      if (
        values.status !== "resolved" &&
        followUp.status === "resolved" &&
        (await activeFollowUpFor(followUp.threadId))
      ) {
        throw new ConflictError("This thread already has another open follow-up.");
      }
      await changeFollowUpStatus(followUp, values.status, actor.id, at);
    }
    await auditFollowUpWork(actor, followUp.id, before, at);
    return { followUpId: followUp.id };
  });
}

type WorkedFields = Awaited<ReturnType<typeof workedFields>>;

/**
 * Records in the audit log what staff changed on follow-up `followUpId` since `before`, if
 * anything: from the work buttons, and from the reply box ("Then: resolve it"). Inside the write.
 */
export async function auditFollowUpWork(actor: Member, followUpId: number, before: WorkedFields, at: Date) {
  const after = await workedFields(
    firstRow(await inWrite((db) => db.select().from(followUps).where(eq(followUps.id, followUpId))))!,
  );
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  await recordAudit(
    actor,
    {
      action: "follow-up.update",
      subject: { type: "follow-up", id: followUpId, label: `Follow-up #${followUpId}` },
      before,
      after,
    },
    at,
  );
}

/** What staff change on a follow-up, as the audit log keeps it. */
export const workedFields = async ({ assigneeId, priority, status }: FollowUpRow) => {
  const assignee = assigneeId
    ? firstRow(await read((db) => db.select({ username: users.username }).from(users).where(eq(users.id, assigneeId))))
    : undefined;
  return { assignee: assignee?.username ?? null, priority, status };
};

/** Resolves the thread's active follow-up when the thread gets an accepted or verified answer. */
export async function resolveFollowUpOfSolvedThread(
  threadId: number,
  actor: Member,
  at: Date,
  solution: "accepted" | "verified",
) {
  const followUp = await activeFollowUpFor(threadId);
  const resolution = solution === "accepted" ? "accepted-answer" : "verified-solution";
  if (followUp) await changeFollowUpStatus(followUp, "resolved", actor.id, at, { resolution });
}
