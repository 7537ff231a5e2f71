/**
 * Staff actions on accounts: warnings, suspensions, roles, and the email-domain rules that make
 * everyone with a confirmed address at a company's domain a customer. Each action writes an audit entry in its transaction.
 * A suspension ends every session of the account, so the next request it makes starts from a
 * fresh sign-in and sees the suspension.
 */
import { and, asc, eq, isNotNull, ne } from "drizzle-orm";
import { z } from "zod";
import { customerDomainRules, followUps, users, ROLES, type Role } from "../../../db/schema";
import { endAllSessions } from "~/models/accounts/auth.server";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, write, read } from "~/lib/db.server";
import { endsWithIgnoringCase } from "~/lib/portable-sql.server";
import { ConflictError, NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canChangeUserRole,
  canDisciplineUser,
  canManageModerationSettings,
  ensure,
  ensureSignedIn,
  isStaffRole,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import { notify } from "~/models/notifications/notifications.server";
import { plainText } from "~/lib/plain-text";

const DAY_MS = 86_400_000;
const MAX_SUSPENSION_DAYS = 3650;

async function findUser(username: string) {
  const user = firstRow(
    await read((db) =>
      db
        .select({
          id: users.id,
          username: users.username,
          email: users.email,
          role: users.role,
          suspendedUntil: users.suspendedUntil,
          suspensionReason: users.suspensionReason,
        })
        .from(users)
        .where(eq(users.username, username.trim().toLowerCase())),
    ),
  );
  if (!user) throw new NotFoundError("There is no member with that name.");
  return user;
}

const userSubject = (user: { id: number; username: string }) => ({
  type: "user" as const,
  id: user.id,
  label: user.username,
});

const warnSchema = z.object({
  message: plainText().min(1, "Write what the warning is about.").max(1000, "Keep the warning under 1,000 characters."),
});

/** A warning reaches the person in the app and by email, and counts in their history in the review queue. */
export async function warnUser(actor: Actor, username: string, input: unknown) {
  ensureSignedIn(actor);
  const target = await findUser(username);
  ensure(canDisciplineUser(actor, target), "You cannot warn this account.");
  const { message } = parseInput(warnSchema, input);
  await write(async () => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const at = now();
    await notify(
      {
        userId: target.id,
        kind: "moderation",
        title: "A message from the moderators",
        path: `/users/${target.username}`,
        emailText: `A moderator has warned you:\n\n${message}`,
        reason: "A moderator wrote to you about your account.",
        actorId: actor.id,
      },
      at,
    );
    await recordAudit(actor, { action: "user.warn", subject: userSubject(target), reason: message }, at);
  });
}

const suspendSchema = z.object({
  until: z.iso.date({ error: "Choose the last day of the suspension." }),
  reason: plainText()
    .min(1, "Say why, so the person and other staff know.")
    .max(500, "Keep the reason under 500 characters."),
});

/** Suspends until the end of the chosen day (UTC): the account can read but not write, and is signed out everywhere. */
export async function suspendUser(actor: Actor, username: string, input: unknown) {
  ensureSignedIn(actor);
  const target = await findUser(username);
  ensure(canDisciplineUser(actor, target), "You cannot suspend this account.");
  const values = parseInput(suspendSchema, input);
  const until = new Date(`${values.until}T23:59:59.999Z`);
  const at = now();
  if (until.getTime() <= at.getTime()) throw new ValidationError({ until: "Choose a day after today." });
  if (until.getTime() - at.getTime() > MAX_SUSPENSION_DAYS * DAY_MS)
    throw new ValidationError({ until: "Suspend for at most ten years." });
  await write(async (db) => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    await db
      .update(users)
      .set({ suspendedUntil: until, suspensionReason: values.reason })
      .where(eq(users.id, target.id));
    await recordAudit(
      actor,
      {
        action: "user.suspend",
        subject: userSubject(target),
        reason: values.reason,
        before: { suspendedUntil: target.suspendedUntil?.toISOString() ?? null },
        after: { suspendedUntil: until.toISOString() },
      },
      at,
    );
    await notify(
      {
        userId: target.id,
        kind: "moderation",
        title: `Your account is suspended until ${values.until}`,
        path: `/users/${target.username}`,
        emailText: `A moderator has suspended your account until the end of ${values.until} (UTC). You can still read the community, but not post, vote or flag.\n\nThe reason: ${values.reason}`,
        reason: "A moderator wrote to you about your account.",
        actorId: actor.id,
      },
      at,
    );
  });
  await endAllSessions(target.id);
}

export async function unsuspendUser(actor: Actor, username: string) {
  ensureSignedIn(actor);
  const target = await findUser(username);
  ensure(canDisciplineUser(actor, target), "You cannot change this account.");
  if (!target.suspendedUntil || target.suspendedUntil <= now())
    throw new ConflictError("This account is not suspended.");
  await write(async (db) => {
    const at = now();
    await db.update(users).set({ suspendedUntil: null, suspensionReason: null }).where(eq(users.id, target.id));
    await recordAudit(
      actor,
      {
        action: "user.unsuspend",
        subject: userSubject(target),
        before: { suspendedUntil: target.suspendedUntil?.toISOString() ?? null, reason: target.suspensionReason },
        after: { suspendedUntil: null },
      },
      at,
    );
    await notify(
      {
        userId: target.id,
        kind: "moderation",
        title: "Your suspension has ended",
        path: `/users/${target.username}`,
        emailText: "A moderator has ended your suspension. Welcome back.",
        reason: "A moderator wrote to you about your account.",
        actorId: actor.id,
      },
      at,
    );
  });
}

const roleSchema = z.object({ role: z.enum(ROLES, { error: "Choose one of the roles." }) });

/** An admin changes someone's role; their sessions end, so the new role starts with a new session. */
export async function changeUserRole(actor: Actor, username: string, input: unknown) {
  ensureSignedIn(actor);
  const target = await findUser(username);
  ensure(canChangeUserRole(actor, target), "Only an admin can change someone else's role.");
  const { role } = parseInput(roleSchema, input);
  if (role === target.role) return { changed: false };
  await setRole(actor, target, role, null);
  await endAllSessions(target.id);
  return { changed: true };
}

async function setRole(
  actor: Member,
  target: { id: number; username: string; role: Role },
  role: Role,
  reason: string | null,
) {
  await write(async (db) => {
    await db.update(users).set({ role }).where(eq(users.id, target.id));
    // Someone who is no longer staff keeps no follow-up: its customer's private news would reach them.
    if (!isStaffRole(role))
      await db
        .update(followUps)
        .set({ assigneeId: null })
        .where(and(eq(followUps.assigneeId, target.id), ne(followUps.status, "resolved")));
    await recordAudit(actor, {
      action: "user.role",
      subject: userSubject(target),
      reason,
      before: { role: target.role },
      after: { role },
    });
  });
}

const grantSchema = z.object({
  who: z.string().trim().toLowerCase().min(1, "Enter a username or an email address.").max(254),
});

/** Grants the customer role to one member, found by username or email. */
export async function grantCustomerRole(actor: Actor, input: unknown) {
  ensure(canManageModerationSettings(actor), "Only an admin can grant the customer role.");
  ensureSignedIn(actor);
  const { who } = parseInput(grantSchema, input);
  const target = firstRow(
    await read((db) =>
      db
        .select({ id: users.id, username: users.username, role: users.role })
        .from(users)
        .where(who.includes("@") ? eq(users.email, who) : eq(users.username, who)),
    ),
  );
  if (!target) throw new ValidationError({ who: "There is no account with that username or email." });
  if (target.role !== "member") throw new ValidationError({ who: `${target.username} is already a ${target.role}.` });
  await setRole(actor, target, "customer", "Granted the customer role");
  await endAllSessions(target.id);
  return { username: target.username };
}

const domainSchema = z.object({
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .transform((value) => value.replace(/^@/, ""))
    .pipe(
      z
        .string()
        .min(1, "Enter an email domain, like example.com.")
        .max(253, "That domain is too long.")
        .regex(
          /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
          "Enter an email domain, like example.com.",
        ),
    ),
});

export async function listCustomerDomains(actor: Actor) {
  ensure(canManageModerationSettings(actor), "Only an admin can see customer domains.");
  return await read((db) =>
    db
      .select({
        id: customerDomainRules.id,
        domain: customerDomainRules.domain,
        createdAt: customerDomainRules.createdAt,
      })
      .from(customerDomainRules)
      .orderBy(asc(customerDomainRules.domain)),
  );
}

/** The customer domain `email` is at, or null: a member with a confirmed address there is a customer. */
export async function customerDomainOf(email: string) {
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  const rule = firstRow(
    await read((db) =>
      db.select({ id: customerDomainRules.id }).from(customerDomainRules).where(eq(customerDomainRules.domain, domain)),
    ),
  );
  return rule ? domain : null;
}

/**
 * Adds a domain: members with a confirmed address there become customers (their sessions end, so
 * the role applies at once); the others, new sign-ups included, when they confirm their address.
 */
export async function addCustomerDomain(actor: Actor, input: unknown) {
  ensure(canManageModerationSettings(actor), "Only an admin can add customer domains.");
  ensureSignedIn(actor);
  const { domain } = parseInput(domainSchema, input);
  const upgraded = await write(async (db) => {
    const exists = firstRow(
      await db
        .select({ id: customerDomainRules.id })
        .from(customerDomainRules)
        .where(eq(customerDomainRules.domain, domain)),
    );
    if (exists) throw new ValidationError({ domain: "That domain is already on the list." });
    const at = now();
    const rule = oneRow(
      await db
        .insert(customerDomainRules)
        .values({ domain, createdById: actor.id, createdAt: at })
        .returning({ id: customerDomainRules.id }),
    );
    const members = await db
      .update(users)
      .set({ role: "customer" })
      .where(
        and(
          eq(users.role, "member"),
          endsWithIgnoringCase(users.email, `@${domain}`),
          isNotNull(users.emailConfirmedAt),
        ),
      )
      .returning({ id: users.id, username: users.username });
    await recordAudit(
      actor,
      {
        action: "domain.add",
        subject: { type: "domain", id: rule.id, label: domain },
        after: { domain, membersMadeCustomers: members.map((member) => member.username) },
      },
      at,
    );
    return members;
  });
  for (const member of upgraded) await endAllSessions(member.id);
  return { domain, upgraded: upgraded.length };
}

/** Removing a rule stops members at the domain becoming customers when they confirm; people already granted keep their role. */
export async function removeCustomerDomain(actor: Actor, domainId: number) {
  ensure(canManageModerationSettings(actor), "Only an admin can remove customer domains.");
  ensureSignedIn(actor);
  await write(async (db) => {
    const rule = firstRow(await db.select().from(customerDomainRules).where(eq(customerDomainRules.id, domainId)));
    if (!rule) throw new NotFoundError("That domain is not on the list.");
    await db.delete(customerDomainRules).where(eq(customerDomainRules.id, domainId));
    await recordAudit(actor, {
      action: "domain.remove",
      subject: { type: "domain", id: rule.id, label: rule.domain },
      before: { domain: rule.domain },
    });
  });
}
