/**
 * What a person watches: one level per thread, tag and category (watching: every new post, bell and
 * email; tracking: bell only; normal: only what concerns them; muted: nothing). A person's level for
 * a thread is their thread's own setting when they chose one; else muted when its category or one of
 * its tags is muted; else the highest of their category and tag levels; else normal.
 * Asking or answering watches the thread, unless the person turned that off or already chose a
 * level for it.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import {
  categories,
  tags,
  threads,
  threadTags,
  users,
  watches,
  WATCH_LEVELS,
  WATCH_TARGETS,
  type WatchLevel,
  type WatchTarget,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, rawRows, read, writeUnseenByVisitors } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canSeeThread,
  canWatch,
  ensure,
  ensureSignedIn,
  staffRoleCondition,
  type Actor,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";

const RANK: Record<WatchLevel, number> = { muted: -1, normal: 0, tracking: 1, watching: 2 };

export type WatchRow = { userId: number; target: WatchTarget; targetId: number; level: WatchLevel; name: string };

/** Why a person hears of a thread, from the setting that decided their level. */
export type WatchSource = { target: WatchTarget; name: string };

/** One person's level for a thread from all their rows about it (thread, its category, its tags). */
export function effectiveLevel(rows: readonly WatchRow[]): { level: WatchLevel; source: WatchSource | null } {
  const own = rows.find((row) => row.target === "thread");
  if (own) return { level: own.level, source: { target: "thread", name: own.name } };
  const muted = rows.find((row) => row.level === "muted");
  if (muted) return { level: "muted", source: { target: muted.target, name: muted.name } };
  let best: WatchRow | null = null;
  for (const row of rows) if (!best || RANK[row.level] > RANK[best.level]) best = row;
  return best
    ? { level: best.level, source: { target: best.target, name: best.name } }
    : { level: "normal", source: null };
}

/** The sentence that says why: "You are watching the tag wifi." */
export function watchReason(level: WatchLevel, source: WatchSource) {
  const verb = level === "watching" ? "watching" : "tracking";
  if (source.target === "thread") return `You are ${verb} this question.`;
  return `You are ${verb} the ${source.target} ${source.name}.`;
}

/**
 * Every watch row that bears on `threadId` (its own, its category's, its tags'), for the people in
 * `userIds`, or for everyone when `userIds` is omitted (the fan-out); with `asOf`, watching and
 * tracking set later than it are left out (someone who started watching after a post was written is
 * not told of it), mutes and "normal" never. One query.
 */
export async function watchRowsForThread(
  threadId: number,
  { userIds, asOf }: { userIds?: number[]; asOf?: Date } = {},
): Promise<WatchRow[]> {
  if (userIds && userIds.length === 0) return [];
  const forUsers = sql.join(
    [
      userIds ? sql`AND w.user_id IN (${sql.join(userIds, sql`, `)})` : sql``,
      // Only a start of watching counts from when it was set; a mute or a chosen "normal" always applies.
      asOf ? sql`AND (w.level IN ('muted', 'normal') OR w.updated_at <= ${asOf.getTime()})` : sql``,
    ],
    sql` `,
  );
  return read((db) =>
    rawRows<WatchRow>(
      db,
      sql`
      SELECT w.user_id AS "userId", w.target AS target, w.target_id AS "targetId", w.level AS level, '' AS name
        FROM ${watches} w WHERE w.target = 'thread' AND w.target_id = ${threadId} ${forUsers}
      UNION ALL
      SELECT w.user_id, w.target, w.target_id, w.level, c.name
        FROM ${threads} t JOIN ${categories} c ON c.id = t.category_id
        JOIN ${watches} w ON w.target = 'category' AND w.target_id = c.id
        WHERE t.id = ${threadId} ${forUsers}
      UNION ALL
      SELECT w.user_id, w.target, w.target_id, w.level, g.name
        FROM ${threadTags} tt JOIN ${tags} g ON g.id = tt.tag_id
        JOIN ${watches} w ON w.target = 'tag' AND w.target_id = g.id
        WHERE tt.thread_id = ${threadId} ${forUsers}`,
      // One reader (every signed-in thread page) or everyone (the fan-out): a fixed text.
      { keepPrepared: !userIds || userIds.length === 1 },
    ),
  );
}

/** Groups watch rows by person and resolves each person's level. */
export function levelsByUser(rows: readonly WatchRow[]) {
  const byUser = new Map<number, WatchRow[]>();
  for (const row of rows) {
    const list = byUser.get(row.userId) ?? [];
    list.push(row);
    byUser.set(row.userId, list);
  }
  return new Map([...byUser].map(([userId, list]) => [userId, effectiveLevel(list)]));
}

/**
 * Watches the thread for its new asker or answerer, when they want that and chose nothing else for it:
 * a statement for the caller's write to run (`runTogether`: it touches their watch row alone).
 * The flag stands alone as the condition (not `= 1`): a boolean on PostgreSQL.
 */
export function participationWatch(userId: number, threadId: number, at: Date) {
  return sql`
      INSERT INTO ${watches} (user_id, target, target_id, level, updated_at)
      SELECT ${userId}, 'thread', ${threadId}, 'watching', ${at.getTime()}
        FROM ${users} WHERE id = ${userId} AND watch_on_participate
      ON CONFLICT DO NOTHING`;
}

const watchSchema = z.object({
  target: z.enum(WATCH_TARGETS, { error: "Choose a thread, tag or category." }),
  key: z.string().trim().min(1, "Choose what to watch.").max(200),
  // "default": no level of one's own for a thread, so its tags' and category's decide.
  level: z.enum([...WATCH_LEVELS, "default"], { error: "Choose watching, tracking, normal or muted." }),
});

/** The thread, tag or category a watch form names, checked to exist and to be visible to the actor. */
async function findTarget(actor: Actor, target: WatchTarget, key: string) {
  if (target === "thread") {
    const thread = firstRow(
      await read((db) =>
        db
          .select({ id: threads.id, authorId: threads.authorId, visibility: threads.visibility })
          .from(threads)
          .where(eq(threads.id, /^\d{1,15}$/.test(key) ? Number(key) : 0)),
      ),
    );
    if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError("That question does not exist.");
    return thread.id;
  }
  const row =
    target === "tag"
      ? firstRow(
          await read((db) =>
            db
              .select({ id: tags.id })
              .from(tags)
              .where(eq(tags.name, String(key))),
          ),
        )
      : firstRow(
          await read((db) =>
            db
              .select({ id: categories.id })
              .from(categories)
              .where(eq(categories.slug, String(key))),
          ),
        );
  if (!row)
    throw new NotFoundError(target === "tag" ? "There is no tag with that name." : "There is no such category.");
  return row.id;
}

/**
 * What the actor hears of a thread, for its Notifications menu: their own choice for it ("default"
 * when none), and what the default gives, from their tags' and category's levels, and why
 * (whatever the thread's own choice, which the default would replace). One query.
 */
export async function threadWatchState(actor: Actor, threadId: number) {
  if (!canWatch(actor)) return null;
  const rows = await watchRowsForThread(threadId, { userIds: [actor.id] });
  const own = rows.find((row) => row.target === "thread");
  const { level, source } = effectiveLevel(rows.filter((row) => row.target !== "thread"));
  return {
    choice: own?.level ?? ("default" as const),
    byDefault: { level, from: source ? `the ${source.target} ${source.name}` : null },
  };
}

/** The actor's own level for one tag or category (normal when they chose none). */
export async function ownWatchLevel(
  actor: Actor,
  target: Exclude<WatchTarget, "thread">,
  targetId: number,
): Promise<WatchLevel | null> {
  if (!canWatch(actor)) return null;
  const row = firstRow(
    await read((db) =>
      db
        .select({ level: watches.level })
        .from(watches)
        .where(and(eq(watches.userId, actor.id), eq(watches.target, target), eq(watches.targetId, targetId))),
    ),
  );
  return row?.level ?? "normal";
}

/**
 * Sets the actor's level for a thread (`key`: its id), tag (its name) or category (its slug). A
 * thread keeps an explicit "normal" (it overrides a watched tag); for tags and categories normal is
 * no row.
 */
export async function setWatchLevel(actor: Actor, input: unknown) {
  ensureSignedIn(actor);
  ensure(canWatch(actor), "Sign in to watch.");
  const { target, key, level } = parseInput(watchSchema, input);
  const targetId = await findTarget(actor, target, key);
  await writeUnseenByVisitors(async (db) => {
    await consume(`watch:user:${actor.id}`, LIMITS.watch);
    const where = and(eq(watches.userId, actor.id), eq(watches.target, target), eq(watches.targetId, targetId));
    if (level === "default" || (level === "normal" && target !== "thread")) {
      await db.delete(watches).where(where);
      return;
    }
    await db
      .insert(watches)
      .values({ userId: actor.id, target, targetId, level, updatedAt: now() })
      .onConflictDoUpdate({
        target: [watches.userId, watches.target, watches.targetId],
        set: { level, updatedAt: now() },
      });
  });
  return level;
}

/** Everything the actor set a level for, named, for the settings page. */
export async function listWatches(actor: Actor) {
  ensureSignedIn(actor);
  const rows = await read((db) =>
    db
      .select({ target: watches.target, targetId: watches.targetId, level: watches.level })
      .from(watches)
      .where(eq(watches.userId, actor.id)),
  );
  const ids = (target: WatchTarget) => rows.filter((row) => row.target === target).map((row) => row.targetId);
  const none = Promise.resolve([]);
  const [threadRows, tagRows, categoryRows] = await Promise.all([
    ids("thread").length === 0
      ? none
      : read((db) =>
          db
            .select({ id: threads.id, name: threads.title, authorId: threads.authorId, visibility: threads.visibility })
            .from(threads)
            .where(inArray(threads.id, ids("thread"))),
        ),
    ids("tag").length === 0
      ? none
      : read((db) =>
          db
            .select({ id: tags.id, name: tags.name })
            .from(tags)
            .where(inArray(tags.id, ids("tag"))),
        ),
    ids("category").length === 0
      ? none
      : read((db) =>
          db
            .select({ id: categories.id, name: categories.name, key: categories.slug })
            .from(categories)
            .where(inArray(categories.id, ids("category"))),
        ),
  ]);
  // A thread hidden since is not named to someone who may no longer see it.
  const named = new Map<string, { key: string; name: string }>([
    ...threadRows
      .filter((thread) => canSeeThread(actor, thread))
      .map((thread) => [`thread:${thread.id}`, { key: String(thread.id), name: thread.name }] as const),
    ...tagRows.map((tag) => [`tag:${tag.id}`, { key: tag.name, name: tag.name }] as const),
    ...categoryRows.map((category) => [`category:${category.id}`, { key: category.key, name: category.name }] as const),
  ]);
  return rows.flatMap((row) => {
    const target = named.get(`${row.target}:${row.targetId}`);
    return target ? [{ target: row.target, ...target, level: row.level }] : [];
  });
}

/** Whether asking or answering watches the thread (a setting, on by default). */
export async function watchesOnParticipation(actor: Actor) {
  ensureSignedIn(actor);
  const row = firstRow(
    await read((db) => db.select({ on: users.watchOnParticipate }).from(users).where(eq(users.id, actor.id))),
  );
  return row?.on ?? true;
}

const participationSchema = z.object({
  watchOnParticipate: z.literal("on", { error: "Tick the box or leave it empty." }).optional(),
});

/** Saves the "watch what I ask or answer" checkbox (an unchecked box is not sent: off). */
export async function saveWatchOnParticipation(actor: Actor, input: unknown) {
  ensureSignedIn(actor);
  const on = parseInput(participationSchema, input).watchOnParticipate === "on";
  await writeUnseenByVisitors(async (db) => {
    await db.update(users).set({ watchOnParticipate: on }).where(eq(users.id, actor.id));
  });
}

/** Staff who watch (email and bell) or track (bell) a category: they hear of every follow-up opened in it. */
export async function staffWatchingCategory(categoryId: number) {
  return await read((db) =>
    db
      .select({ userId: watches.userId, level: watches.level, category: categories.name })
      .from(watches)
      .innerJoin(users, eq(users.id, watches.userId))
      .innerJoin(categories, eq(categories.id, watches.targetId))
      .where(
        and(
          eq(watches.target, "category"),
          eq(watches.targetId, categoryId),
          inArray(watches.level, ["watching", "tracking"]),
          staffRoleCondition(users.role),
        ),
      ),
  );
}
