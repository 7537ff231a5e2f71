/** Response-time targets: per category, set by admins, with the defaults for categories without their own. */
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { categories, categoryTargets } from "../../../db/schema";
import { firstRow, write, read } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { canSetResponseTargets, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { findCategoryBySlug } from "~/models/community/tags.server";
import { recordAudit } from "~/models/shared/audit.server";
import { DEFAULT_TARGETS } from "./rules";

export async function targetsFor(categoryId: number) {
  const row = firstRow(
    await read((db) =>
      db
        .select()
        .from(categoryTargets)
        .where(and(eq(categoryTargets.categoryId, categoryId), eq(categoryTargets.priority, "normal"))),
    ),
  );
  return row ?? DEFAULT_TARGETS.normal;
}

const targetSchema = z.object({
  category: z.string().trim().min(1, "Choose a category."),
  firstResponseHours: z.coerce
    .number({ error: "Give a number of hours." })
    .int("Whole hours.")
    .min(1, "At least 1 hour.")
    .max(24 * 30, "At most 30 days."),
  resolutionHours: z.coerce
    .number({ error: "Give a number of hours." })
    .int("Whole hours.")
    .min(1, "At least 1 hour.")
    .max(24 * 90, "At most 90 days."),
});

/** Admins set a category's response-time targets. */
export async function setCategoryTargets(actor: Actor, input: unknown) {
  ensure(canSetResponseTargets(actor), "Only admins can change response-time targets.");
  ensureSignedIn(actor);
  const values = parseInput(targetSchema, input);
  return write(async (db) => {
    const category = await findCategoryBySlug(values.category);
    if (!category) throw new NotFoundError("That category does not exist.");
    const row = {
      categoryId: category.id,
      firstResponseMinutes: values.firstResponseHours * 60,
      resolutionMinutes: values.resolutionHours * 60,
    };
    const { firstResponseMinutes, resolutionMinutes } = await targetsFor(category.id);
    await db
      .insert(categoryTargets)
      .values(row)
      .onConflictDoUpdate({ target: [categoryTargets.categoryId, categoryTargets.priority], set: row });
    await recordAudit(actor, {
      action: "targets.update",
      subject: { type: "category", id: category.id, label: category.name },
      before: { firstResponseMinutes, resolutionMinutes },
      after: { firstResponseMinutes: row.firstResponseMinutes, resolutionMinutes: row.resolutionMinutes },
    });
    return row;
  });
}

export async function listCategoryTargets(actor: Actor) {
  ensure(canSetResponseTargets(actor), "Only admins can see response-time settings.");
  return (
    await read((db) =>
      db
        .select({
          slug: categories.slug,
          name: categories.name,
          firstResponseMinutes: categoryTargets.firstResponseMinutes,
          resolutionMinutes: categoryTargets.resolutionMinutes,
        })
        .from(categories)
        .leftJoin(categoryTargets, eq(categoryTargets.categoryId, categories.id))
        .orderBy(asc(categories.position)),
    )
  ).map((row) => ({
    ...row,
    firstResponseMinutes: row.firstResponseMinutes ?? DEFAULT_TARGETS.normal.firstResponseMinutes,
    resolutionMinutes: row.resolutionMinutes ?? DEFAULT_TARGETS.normal.resolutionMinutes,
  }));
}
