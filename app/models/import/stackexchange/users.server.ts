/**
 * Users.xml: one Hearth account per source user, with no usable password (a hash of a secret nobody
 * kept) and an address that receives nothing (unconfirmed, under .invalid) until --emails gives the
 * person's own, with which they claim the account by the reset-link flow. The source's reputation is
 * one `imported` reputation event per person (DECISIONS.md #82), so totals rebuild from events.
 */
import { and, eq, inArray } from "drizzle-orm";
import { DELETED_USER_SOURCE_ID, reputationEvents, users } from "../../../../db/schema";
import type { Db } from "~/lib/db.server";
import { firstRow, oneRow, write } from "~/lib/db.server";
import { USERNAME_MAX_LENGTH } from "~/lib/mentions";
import { recount } from "~/models/reputation/ledger.server";
import { importFile, tally, skip, type ImportContext } from "./context.server";
import { contentHash, recordedRows, saveRecords, statementPieces } from "./records.server";
import { sourceDate, sourceInt } from "./source-values";
import type { SourceRow } from "./xml-rows.server";

const KNOWN = new Set([
  "Id",
  "Reputation",
  "CreationDate",
  "DisplayName",
  "LastAccessDate",
  "WebsiteUrl",
  "Location",
  "AboutMe",
  "Views",
  "UpVotes",
  "DownVotes",
  "ProfileImageUrl",
  "EmailHash",
  "AccountId",
]);

/** An address no mail reaches (RFC 2606's .invalid), unique per site and source user. */
export const placeholderEmail = (site: string, sourceId: number) => `user-${sourceId}@${site}.imported.invalid`;

function usernameBase(displayName: string) {
  return (
    displayName
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "") || "user"
  );
}

/** Candidate usernames, most readable first; the id keeps them apart on one site, the site's digest across sites. */
function usernameCandidates(site: string, displayName: string, sourceId: number) {
  const suffixes = [`-${sourceId}`.replace("--", "-"), `-${sourceId}-${contentHash(site).slice(0, 4).toLowerCase()}`];
  return suffixes.map((suffix) => usernameBase(displayName).slice(0, USERNAME_MAX_LENGTH - suffix.length) + suffix);
}

/**
 * Inserts accounts for `people`, each under the first of its candidate names nobody holds. Usernames
 * are stored lower-cased (sign-up lowers them) and the candidates are lower-case, so the unique index
 * answers (a lower(username) lookup read the whole table per batch: quadratic at a million people).
 */
async function insertAccounts(
  db: Db,
  ctx: ImportContext,
  people: { sourceId: number; displayName: string; createdAt: Date; email: string; reputation: number }[],
) {
  const candidates = people.map((person) => usernameCandidates(ctx.site, person.displayName, person.sourceId));
  const taken = new Set(
    (await db.select({ username: users.username }).from(users).where(inArray(users.username, candidates.flat()))).map(
      (row) => row.username.toLowerCase(),
    ),
  );
  const rows = people.map((person, i) => {
    const username = candidates[i].find((name) => !taken.has(name)) ?? `${candidates[i][1]}-${ctx.runId}`;
    taken.add(username);
    return {
      email: person.email,
      username,
      passwordHash: ctx.unusablePasswordHash,
      role: "member" as const,
      createdAt: person.createdAt,
      // The sum of the one event writeReputation adds in this write (the ledger's rule).
      reputation: person.reputation,
    };
  });
  const idByEmail = new Map<string, number>();
  for (const piece of statementPieces(rows)) {
    const inserted = await db.insert(users).values(piece).returning({ id: users.id, email: users.email });
    for (const row of inserted) idByEmail.set(row.email, row.id);
  }
  return people.map((person) => idByEmail.get(person.email)!);
}

/** The site's "deleted user" account, made once. */
export async function ensureDeletedUser(ctx: Pick<ImportContext, "site" | "at" | "unusablePasswordHash" | "runId">) {
  return write(async (db) => {
    const known = (await recordedRows(db, ctx.site, "user", [DELETED_USER_SOURCE_ID])).get(DELETED_USER_SOURCE_ID);
    if (known) return known.targetId;
    const [id] = await insertAccounts(db, ctx as ImportContext, [
      {
        sourceId: DELETED_USER_SOURCE_ID,
        displayName: "deleted-user",
        createdAt: ctx.at,
        email: placeholderEmail(ctx.site, DELETED_USER_SOURCE_ID),
        reputation: 0,
      },
    ]);
    await saveRecords(
      db,
      ctx.site,
      "user",
      [{ sourceId: DELETED_USER_SOURCE_ID, targetId: id, contentHash: "" }],
      ctx.at,
    );
    return id;
  });
}

async function writeUsers(ctx: ImportContext, db: Db, rows: SourceRow[]) {
  const people = rows.flatMap(({ attributes: a }) => {
    const sourceId = sourceInt(a.Id);
    if (sourceId === null || sourceId === DELETED_USER_SOURCE_ID) {
      skip(ctx, "users", "Users.xml: a row without a usable Id");
      return [];
    }
    return [
      {
        sourceId,
        accountId: sourceInt(a.AccountId),
        displayName: a.DisplayName ?? "",
        createdAt: sourceDate(a.CreationDate) ?? ctx.at,
        reputation: sourceInt(a.Reputation) ?? 0,
      },
    ];
  });
  const known = await recordedRows(
    db,
    ctx.site,
    "user",
    people.map((person) => person.sourceId),
  );
  // An account, once made, stays as it is (its owner may have claimed it): only its reputation follows the source.
  const fresh = people.filter((person) => !known.has(person.sourceId));
  tally(ctx, "users", "unchanged", people.length - fresh.length);
  if (fresh.length > 0) {
    const ids = await insertAccounts(
      db,
      ctx,
      fresh.map((person) => ({ ...person, email: placeholderEmail(ctx.site, person.sourceId) })),
    );
    fresh.forEach((person, i) => known.set(person.sourceId, { targetId: ids[i], contentHash: "" }));
    await saveRecords(
      db,
      ctx.site,
      "user",
      fresh.map((person, i) => ({ sourceId: person.sourceId, targetId: ids[i], contentHash: "" })),
      ctx.at,
    );
    tally(ctx, "users", "imported", fresh.length);
  }
  const accounts = people.map((person) => ({ ...person, userId: known.get(person.sourceId)!.targetId }));
  await writeReputation(ctx, db, accounts, new Set(fresh.map((person) => person.sourceId)));
  await writeClaimAddresses(ctx, db, accounts);
}

/** One `imported` event per person holding the source's reputation; a changed figure updates it. */
async function writeReputation(
  ctx: ImportContext,
  db: Db,
  people: { sourceId: number; userId: number; reputation: number; createdAt: Date }[],
  /** Accounts made in this write, whose stored total already is this event's points. */
  madeNow: Set<number>,
) {
  const known = await recordedRows(
    db,
    ctx.site,
    "reputation",
    people.map((person) => person.sourceId),
  );
  const changed: number[] = [];
  const fresh = people.filter((person) => !known.has(person.sourceId));
  if (fresh.length > 0) {
    const eventOf = new Map<number, number>();
    for (const piece of statementPieces(fresh)) {
      const events = await db
        .insert(reputationEvents)
        .values(
          piece.map((person) => ({
            userId: person.userId,
            reason: "imported" as const,
            points: person.reputation,
            createdAt: person.createdAt,
          })),
        )
        .returning({ id: reputationEvents.id, userId: reputationEvents.userId });
      for (const event of events) eventOf.set(event.userId, event.id);
    }
    await saveRecords(
      db,
      ctx.site,
      "reputation",
      fresh.map((person) => ({
        sourceId: person.sourceId,
        targetId: eventOf.get(person.userId)!,
        contentHash: String(person.reputation),
      })),
      ctx.at,
    );
    changed.push(...fresh.filter((person) => !madeNow.has(person.sourceId)).map((person) => person.userId));
    tally(ctx, "reputation", "imported", fresh.length);
  }
  const updates = people.filter((person) => {
    const record = known.get(person.sourceId);
    return record && record.contentHash !== String(person.reputation);
  });
  for (const person of updates) {
    const record = known.get(person.sourceId)!;
    await db
      .update(reputationEvents)
      .set({ points: person.reputation })
      .where(eq(reputationEvents.id, record.targetId));
    changed.push(person.userId);
  }
  if (updates.length > 0) {
    await saveRecords(
      db,
      ctx.site,
      "reputation",
      updates.map((person) => ({
        sourceId: person.sourceId,
        targetId: known.get(person.sourceId)!.targetId,
        contentHash: String(person.reputation),
      })),
      ctx.at,
    );
  }
  tally(ctx, "reputation", "updated", updates.length);
  tally(ctx, "reputation", "unchanged", people.length - fresh.length - updates.length);
  // The totals, from the events (the ledger's own rule), in this write.
  await recount(changed, ctx.at);
}

/** Sets the addresses --emails gives; the account stays unconfirmed and passwordless until its owner uses a reset link. */
async function writeClaimAddresses(
  ctx: ImportContext,
  db: Db,
  people: { sourceId: number; accountId: number | null; userId: number }[],
) {
  for (const person of people) {
    const email =
      ctx.emails.byUserId.get(person.sourceId) ??
      (person.accountId === null ? undefined : ctx.emails.byAccountId.get(person.accountId));
    if (!email) continue;
    const holder = firstRow(await db.select({ id: users.id }).from(users).where(eq(users.email, email)));
    if (holder?.id === person.userId) continue;
    if (holder) {
      skip(ctx, "claim addresses", `--emails: ${email} already belongs to another account`);
      continue;
    }
    oneRow(
      await db
        .update(users)
        .set({ email, emailConfirmedAt: null })
        .where(and(eq(users.id, person.userId)))
        .returning({ id: users.id }),
    );
    tally(ctx, "claim addresses", "imported");
  }
}

export async function importUsers(ctx: ImportContext) {
  return importFile(ctx, "Users.xml", {
    known: KNOWN,
    batchSize: 1_000,
    // Names for attribution on posts and comments (an account's username is made from it, not equal to it).
    collect: (rows) => {
      for (const { attributes: a } of rows) {
        const id = sourceInt(a.Id);
        if (id !== null && a.DisplayName) ctx.scratch.addUserName(id, a.DisplayName);
      }
    },
    write: (db, rows) => writeUsers(ctx, db, rows),
  });
}

/** Hearth accounts of these source users, by source id; unknown ones (deleted) are the deleted user's. */
export async function accountsOf(ctx: ImportContext, db: Db, sourceIds: (number | null)[]) {
  const known = await recordedRows(
    db,
    ctx.site,
    "user",
    sourceIds.filter((id): id is number => id !== null),
  );
  return (sourceId: number | null) =>
    (sourceId === null ? undefined : known.get(sourceId)?.targetId) ?? ctx.deletedUserId;
}
