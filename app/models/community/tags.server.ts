/**
 * Tags and categories: the curated vocabulary a question is filed under.
 * Tags are chosen from the existing list (an unknown tag is an input error, not a new tag), so the
 * vocabulary stays small enough to browse; staff curate it.
 */
import { asc, desc, eq, inArray } from "drizzle-orm";
import { categories, tags, threadTags } from "../../../db/schema";
import { getDb } from "~/lib/db.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { canViewThread, ensure, type Actor } from "~/lib/permissions.server";
import { MAX_TAGS_PER_THREAD } from "./rules";

export function listCategories() {
  return getDb().select().from(categories).orderBy(asc(categories.position), asc(categories.name)).all();
}

export function findCategoryBySlug(slug: string) {
  return getDb().select().from(categories).where(eq(categories.slug, slug)).get() ?? null;
}

export function popularTags(limit = 20) {
  return getDb().select().from(tags).orderBy(desc(tags.threadCount), asc(tags.name)).limit(limit).all();
}

export function listTags(actor: Actor) {
  ensure(canViewThread(actor));
  return getDb().select().from(tags).orderBy(asc(tags.name)).all();
}

export function getTag(actor: Actor, name: string) {
  ensure(canViewThread(actor));
  const tag = getDb().select().from(tags).where(eq(tags.name, name.toLowerCase())).get();
  if (!tag) throw new NotFoundError("There is no tag with that name.");
  return tag;
}

/** Splits "a, b ,c" into distinct lower-case names and resolves each to an existing tag. */
export function resolveTagList(raw: string) {
  const names = [
    ...new Set(
      raw
        .split(",")
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (names.length > MAX_TAGS_PER_THREAD) {
    throw new ValidationError({ tags: `Use at most ${MAX_TAGS_PER_THREAD} tags.` });
  }
  if (names.length === 0) return [];
  const found = getDb().select().from(tags).where(inArray(tags.name, names)).all();
  const unknown = names.filter((name) => !found.some((tag) => tag.name === name));
  if (unknown.length > 0) {
    throw new ValidationError({
      tags: `Unknown tag${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Choose from the existing tags.`,
    });
  }
  return names.map((name) => found.find((tag) => tag.name === name)!);
}

/** Tags of each of the given threads, with one query. */
export function tagsByThread(threadIds: number[]) {
  const byThread = new Map<number, string[]>();
  if (threadIds.length === 0) return byThread;
  const rows = getDb()
    .select({ threadId: threadTags.threadId, name: tags.name })
    .from(threadTags)
    .innerJoin(tags, eq(tags.id, threadTags.tagId))
    .where(inArray(threadTags.threadId, threadIds))
    .orderBy(asc(tags.name))
    .all();
  for (const row of rows) {
    const list = byThread.get(row.threadId) ?? [];
    list.push(row.name);
    byThread.set(row.threadId, list);
  }
  return byThread;
}

export function createCategory(values: { slug: string; name: string; description?: string; position?: number }) {
  return getDb().insert(categories).values(values).returning().get();
}

export function createTag(values: { name: string; description?: string }) {
  return getDb()
    .insert(tags)
    .values({ ...values, name: values.name.toLowerCase() })
    .returning()
    .get();
}
