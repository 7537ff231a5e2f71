/**
 * The audit log: who did what, to which object, what it was before and after, and when.
 * Models write an entry in the same transaction as the staff action it records, so an action and
 * its entry stand or fall together. Entries are never changed (the table's triggers refuse it).
 */
import { and, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { auditLog, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { inWrite, read } from "~/lib/db.server";
import { canModerate, ensure, type Actor, type Member } from "~/lib/permissions.server";
import {
  AUDIT_LOG_PAGE_SIZE,
  type AuditAction,
  type AuditLogQuery,
  type AuditSubjectType,
} from "~/models/moderation/rules";
import { cutToLength } from "~/lib/text";

type Snapshot = Record<string, unknown> | null;

export type AuditEntry = {
  action: AuditAction;
  subject: { type: AuditSubjectType; id: number; label: string };
  reason?: string | null;
  before?: Snapshot;
  after?: Snapshot;
};

export async function recordAudit(actor: Member | null, entry: AuditEntry, at = now()) {
  await inWrite((db) =>
    db.insert(auditLog).values({
      actorId: actor?.id ?? null,
      action: entry.action,
      subjectType: entry.subject.type,
      subjectId: entry.subject.id,
      subjectLabel: cutToLength(entry.subject.label, 200),
      reason: entry.reason ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
      createdAt: at,
    }),
  );
}

/** Newest first, filtered by who acted, the kind of action and the object; paginated. */
export async function listAuditLog(actor: Actor, query: AuditLogQuery) {
  ensure(canModerate(actor), "Only staff can read the audit log.");
  const conditions: SQL[] = [];
  if (query.actor) conditions.push(sql`${auditLog.actorId} = (SELECT id FROM users WHERE username = ${query.actor})`);
  if (query.action) conditions.push(eq(auditLog.action, query.action));
  if (query.subject) conditions.push(eq(auditLog.subjectType, query.subject));
  if (query.subject && query.subjectId) conditions.push(eq(auditLog.subjectId, query.subjectId));
  const rows = await read((db) =>
    db
      .select({
        id: auditLog.id,
        actor: users.username,
        action: auditLog.action,
        subjectType: auditLog.subjectType,
        subjectId: auditLog.subjectId,
        subjectLabel: auditLog.subjectLabel,
        reason: auditLog.reason,
        before: auditLog.before,
        after: auditLog.after,
        createdAt: auditLog.createdAt,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(AUDIT_LOG_PAGE_SIZE + 1)
      .offset((query.page - 1) * AUDIT_LOG_PAGE_SIZE),
  );
  return {
    entries: rows.slice(0, AUDIT_LOG_PAGE_SIZE).map((row) => ({
      ...row,
      action: row.action as AuditAction,
      before: row.before as Snapshot,
      after: row.after as Snapshot,
    })),
    hasNextPage: rows.length > AUDIT_LOG_PAGE_SIZE,
  };
}

/** How many warnings and suspensions each user has had: the author history the review queue shows. */
export async function disciplineCounts(userIds: number[]) {
  const counts = new Map<number, { warnings: number; suspensions: number }>();
  if (userIds.length === 0) return counts;
  const rows = await read((db) =>
    db
      .select({ userId: auditLog.subjectId, action: auditLog.action, total: sql<number>`count(*)` })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectType, "user"),
          inArray(auditLog.subjectId, userIds),
          or(eq(auditLog.action, "user.warn"), eq(auditLog.action, "user.suspend")),
        ),
      )
      .groupBy(auditLog.subjectId, auditLog.action),
  );
  for (const row of rows) {
    const entry = counts.get(row.userId) ?? { warnings: 0, suspensions: 0 };
    if (row.action === "user.warn") entry.warnings = row.total;
    else entry.suspensions = row.total;
    counts.set(row.userId, entry);
  }
  return counts;
}
