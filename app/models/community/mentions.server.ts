/**
 * @mentions: rendering them as profile links, who a post mentions (for notifications), and the
 * usernames suggested while typing. What counts as a mention is `app/lib/mentions.ts`; where in the
 * Markdown it counts (not in code, links or raw HTML) is the renderer's.
 * Invariants: usernames are stored lower-cased, so every lookup is an exact match on the unique
 * username index with lower-cased input; a render or an extraction asks the database once, for at
 * most MAX_MENTION_LOOKUPS names. Post HTML is rendered when saved: posts saved before mentions
 * existed keep their HTML until edited (DECISIONS.md #48).
 */
import { and, asc, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { read, type Db } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { mentionCandidates, renderPostMarkdown, type MentionTargets } from "~/lib/markdown.server";
import { MAX_MENTION_NOTIFICATIONS, MAX_USERNAME_SUGGESTIONS, USERNAME_MAX_LENGTH } from "~/lib/mentions";
import { canSuggestUsernames, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";

/** The accounts among `names` (lower-cased), in one query on the username index. */
async function accountsNamed(names: string[]) {
  if (names.length === 0) return [];
  return read((db) =>
    db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.username, names)),
  );
}

async function mentionTargets(names: string[]): Promise<MentionTargets> {
  return new Map((await accountsNamed(names)).map((user) => [user.username, user.username]));
}

/** Sanitized HTML for a post's Markdown, `@username` of existing accounts linked to their profiles. */
export async function renderPostBody(markdown: string): Promise<string> {
  return renderPostMarkdown(markdown, mentionTargets);
}

/**
 * The existing accounts a post's Markdown mentions where it links them (not in code, links or raw
 * HTML), distinct, in order of first mention, at most MAX_MENTION_NOTIFICATIONS: the people a post
 * may notify, before the caller leaves out its author and whoever cannot see the post.
 * Throws MarkdownTooComplexError for Markdown the renderer refuses (a saved post never is).
 */
export async function mentionedUsers(bodyMarkdown: string): Promise<{ id: number; username: string }[]> {
  const names = mentionCandidates(bodyMarkdown);
  const byName = new Map((await accountsNamed(names)).map((user) => [user.username, user]));
  return names
    .flatMap((name) => byName.get(name) ?? [])
    .slice(0, MAX_MENTION_NOTIFICATIONS)
    .map(({ id, username }) => ({ id, username }));
}

const suggestSchema = z.object({
  q: z
    .string({ error: "Type the start of a username." })
    .min(1, "Type the start of a username.")
    .max(USERNAME_MAX_LENGTH, `Usernames have at most ${USERNAME_MAX_LENGTH} characters.`)
    .regex(/^[A-Za-z0-9_-]+$/, "Usernames have only letters, digits, '-' and '_'."),
});

// Above every character a username may hold ([a-z0-9_-] are all below U+007F): `prefix` ≤ name < `prefix\x7f`.
const AFTER_USERNAME_CHARACTERS = "\x7f";

const notSuspendedAt = (at: Date) => or(isNull(users.suspendedUntil), lt(users.suspendedUntil, at));

/** Usernames from `prefix` on, in index order: a range on the unique username index (EXPLAIN-checked in tests). */
export function usernamesStartingWith(db: Db, prefix: string, at: Date, limit: number) {
  return db
    .select({ username: users.username })
    .from(users)
    .where(and(gte(users.username, prefix), lt(users.username, prefix + AFTER_USERNAME_CHARACTERS), notSuspendedAt(at)))
    .orderBy(asc(users.username))
    .limit(limit);
}

/**
 * Up to MAX_USERNAME_SUGGESTIONS usernames for `q`: those that start with it, then some that
 * contain it. Accounts suspended now are left out: they cannot answer. Signed-in people only;
 * rate limited.
 */
export async function suggestUsernames(actor: Actor, input: unknown): Promise<{ usernames: string[] }> {
  ensure(canSuggestUsernames(actor), "Sign in to see username suggestions.");
  ensureSignedIn(actor);
  const prefix = parseInput(suggestSchema, input).q.toLowerCase();
  await consume(`suggest:user:${actor.id}`, LIMITS.usernameSuggestions);
  const at = now();
  return read(async (db) => {
    const usernames = (await usernamesStartingWith(db, prefix, at, MAX_USERNAME_SUGGESTIONS)).map(
      (row) => row.username,
    );
    if (usernames.length < MAX_USERNAME_SUGGESTIONS) {
      // Containing it further in: a scan of the table, cut short by the limit (DECISIONS.md #48).
      // Contains it, and does not start with it (SQLite's `instr(name, q) > 1`, written so PostgreSQL
      // reads it too); `replace` and `substr` match the letters exactly, where LIKE would take `_` as a wildcard.
      const containing = await db
        .select({ username: users.username })
        .from(users)
        .where(
          and(
            sql`replace(${users.username}, ${prefix}, '') <> ${users.username}`,
            sql`substr(${users.username}, 1, length(${prefix})) <> ${prefix}`,
            notSuspendedAt(at),
          ),
        )
        .orderBy(asc(users.username))
        .limit(MAX_USERNAME_SUGGESTIONS - usernames.length);
      usernames.push(...containing.map((row) => row.username));
    }
    return { usernames };
  });
}
