/**
 * Tags and categories: the curated vocabulary a question is filed under.
 * Tags are chosen from the existing list (an unknown tag is an input error, not a new tag), so the
 * vocabulary stays small enough to browse; staff curate it.
 */
import { asc, desc, eq, inArray } from "drizzle-orm";
import { categories, tags, threadTags } from "../../../db/schema";
import { firstRow, oneRow, read, write } from "~/lib/db.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { canViewThread, ensure, type Actor } from "~/lib/permissions.server";
import { MAX_TAGS_PER_THREAD } from "./rules";

export async function listCategories() {
  return await read((db) => db.select().from(categories).orderBy(asc(categories.position), asc(categories.name)));
}

export async function findCategoryBySlug(slug: string) {
  return firstRow(await read((db) => db.select().from(categories).where(eq(categories.slug, slug)))) ?? null;
}

export async function popularTags(limit = 20) {
  return await read((db) => db.select().from(tags).orderBy(desc(tags.threadCount), asc(tags.name)).limit(limit));
}

export async function listTags(actor: Actor) {
  ensure(canViewThread(actor));
  return await read((db) => db.select().from(tags).orderBy(asc(tags.name)));
}

export async function getTag(actor: Actor, name: string) {
  ensure(canViewThread(actor));
  const tag = firstRow(await read((db) => db.select().from(tags).where(eq(tags.name, name.toLowerCase()))));
  if (!tag) throw new NotFoundError("There is no tag with that name.");
  return tag;
}

/** Splits "a, b ,c" into distinct lower-case names and resolves each to an existing tag. */
export async function resolveTagList(raw: string) {
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
  const found = await read((db) => db.select().from(tags).where(inArray(tags.name, names)));
  const unknown = names.filter((name) => !found.some((tag) => tag.name === name));
  if (unknown.length > 0) {
    throw new ValidationError({
      tags: `Unknown tag${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Choose from the existing tags.`,
    });
  }
  return names.map((name) => found.find((tag) => tag.name === name)!);
}

/** Tags of each of the given threads, with one query. */
export async function tagsByThread(threadIds: number[]) {
  const byThread = new Map<number, string[]>();
  if (threadIds.length === 0) return byThread;
  const rows = await read((db) =>
    db
      .select({ threadId: threadTags.threadId, name: tags.name })
      .from(threadTags)
      .innerJoin(tags, eq(tags.id, threadTags.tagId))
      .where(inArray(threadTags.threadId, threadIds))
      .orderBy(asc(tags.name)),
  );
  for (const row of rows) {
    const list = byThread.get(row.threadId) ?? [];
    list.push(row.name);
    byThread.set(row.threadId, list);
  }
  return byThread;
}

export async function createCategory(values: { slug: string; name: string; description?: string; position?: number }) {
  return oneRow(await write((db) => db.insert(categories).values(values).returning()));
}

export async function createTag(values: { name: string; description?: string }) {
  return oneRow(
    await write((db) =>
      db
        .insert(tags)
        .values({ ...values, name: values.name.toLowerCase() })
        .returning(),
    ),
  );
}
