/**
 * Trust-level thresholds (db/schema/trust.ts): read with the moderate preset standing in for a
 * missing row, chosen by admins as a preset or threshold by threshold (audited), and paused by
 * scripts that seed an established community. Saving recomputes everyone's level in the same
 * write, so no page shows a level the thresholds no longer give.
 */
import { z } from "zod";
import { trustSettings, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { count } from "drizzle-orm";
import { inWrite, read, write } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { canManageTrustSettings, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import {
  EARNED_LEVELS,
  PRESET_THRESHOLDS,
  presetOf,
  THRESHOLD_FIELDS,
  thresholdFieldName,
  TRUST_LEVEL_LABELS,
  TRUST_LEVELS,
  TRUST_PRESETS,
  type LevelThreshold,
  type TrustThresholds,
} from "~/lib/trust-levels";
import { recordAudit } from "~/models/shared/audit.server";
import { markLevelsComputed, recomputeTrustLevels } from "./levels.server";
import { columnsOf, getTrustSettings, getTrustThresholds, thresholdsOf } from "./thresholds.server";
import { wholeNumber } from "~/lib/whole-number";

type Field = keyof LevelThreshold;
const FIELDS = Object.keys(THRESHOLD_FIELDS) as Field[];

const LIMITS_OF: Record<Field, { max: number; unit: string }> = {
  reputation: { max: 1_000_000, unit: "points" },
  days: { max: 3650, unit: "days" },
  posts: { max: 100_000, unit: "posts" },
};

// Not z.coerce: it took a cleared field as 0 and saved it without a word.
const thresholdNumber = (field: Field) =>
  wholeNumber(0, LIMITS_OF[field].max, {
    below: "Enter 0 or more.",
    above: `At most ${LIMITS_OF[field].max.toLocaleString("en")} ${LIMITS_OF[field].unit}.`,
  });

/**
 * Each level asks at least what the one below asks, and more reputation: otherwise two levels
 * would be one, or a person could skip one.
 */
const thresholdsSchema = z
  .object(
    Object.fromEntries(
      EARNED_LEVELS.flatMap((level) =>
        FIELDS.map((field) => [thresholdFieldName(level, field), thresholdNumber(field)]),
      ),
    ) as Record<ReturnType<typeof thresholdFieldName>, ReturnType<typeof thresholdNumber>>,
  )
  .superRefine((values, context) => {
    const thresholds = thresholdsOf(values);
    EARNED_LEVELS.forEach((level, index) => {
      if (index === 0) return;
      const below = EARNED_LEVELS[index - 1];
      const belowLabel = TRUST_LEVEL_LABELS[below];
      for (const field of FIELDS) {
        const floor = thresholds[below][field];
        const value = thresholds[level][field];
        if (field === "reputation" && value <= floor)
          context.addIssue({
            code: "custom",
            path: [thresholdFieldName(level, field)],
            message: `Must be more than ${floor}, the ${belowLabel} level's.`,
          });
        else if (value < floor)
          context.addIssue({
            code: "custom",
            path: [thresholdFieldName(level, field)],
            message: `Must be at least ${floor}, the ${belowLabel} level's.`,
          });
      }
    });
  });

const presetSchema = z.object({ preset: z.enum(TRUST_PRESETS, { error: "Choose lenient, moderate or strict." }) });

/** An admin's new thresholds: a preset (`intent=preset`) or each threshold (`intent=thresholds`). */
export async function updateTrustSettings(actor: Actor, intent: "preset" | "thresholds", input: unknown) {
  ensure(canManageTrustSettings(actor), "Only an admin can change trust levels.");
  ensureSignedIn(actor);
  const thresholds =
    intent === "preset"
      ? PRESET_THRESHOLDS[parseInput(presetSchema, input).preset]
      : thresholdsOf(parseInput(thresholdsSchema, input));
  return write(async () => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const before = await getTrustThresholds();
    if (JSON.stringify(before) === JSON.stringify(thresholds)) return { changed: false, rose: 0, dropped: 0 };
    const at = now();
    const moved = await storeThresholds(thresholds, at, "trust thresholds changed");
    await recordAudit(
      actor,
      {
        action: "settings.trust",
        subject: { type: "settings", id: 1, label: "Trust levels" },
        reason: `${moved.rose} people rose, ${moved.dropped} dropped`,
        before: { preset: presetOf(before) ?? "custom", ...columnsOf(before) },
        after: { preset: presetOf(thresholds) ?? "custom", ...columnsOf(thresholds) },
      },
      at,
    );
    return { changed: true, ...moved };
  });
}

/**
 * Stores the thresholds and recomputes everyone's level under them, in the caller's write: one
 * audit entry (the caller's) stands for everyone's move, rather than one entry each.
 */
async function storeThresholds(thresholds: TrustThresholds, at: Date, reason: string) {
  const columns = columnsOf(thresholds);
  await inWrite((db) =>
    db
      .insert(trustSettings)
      .values({ id: 1, ...columns })
      .onConflictDoUpdate({ target: trustSettings.id, set: columns }),
  );
  const moved = await recomputeTrustLevels(thresholds, at, reason, undefined, true);
  await markLevelsComputed(at);
  return moved;
}

/** For scripts (seeding, benchmarks) that act as nobody: `storeThresholds` without an audit entry. */
export async function setTrustThresholdsForScripts(thresholds: TrustThresholds) {
  await write(() => storeThresholds(thresholds, now(), "thresholds set by a script"));
}

/** The admin page: the thresholds, their preset, and how many people stand at each earned level. */
export async function getTrustSettingsForAdmin(actor: Actor) {
  ensure(canManageTrustSettings(actor), "Only an admin can change trust levels.");
  const people = await read((db) =>
    db.select({ level: users.trustLevel, total: count() }).from(users).groupBy(users.trustLevel),
  );
  return {
    ...(await getTrustSettings()),
    people: TRUST_LEVELS.map((name, level) => ({
      level: name,
      total: Number(people.find((row) => row.level === level)?.total ?? 0),
    })),
  };
}
