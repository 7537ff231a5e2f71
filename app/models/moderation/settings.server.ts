/** Moderation settings (how many of a new member's first posts wait for review, how many flags hide a post), and the way scripts act as an established community. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { moderationSettings } from "../../../db/schema";
import { firstRow, write, read } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { canManageModerationSettings, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { recordAudit } from "~/models/shared/audit.server";

/** The settings when their row is missing (the schema's defaults). */
export const DEFAULT_MODERATION_SETTINGS = { flagHideThreshold: 3, heldPostCount: 2 };

export async function getModerationSettings() {
  const row = firstRow(await read((db) => db.select().from(moderationSettings).where(eq(moderationSettings.id, 1))));
  return {
    flagHideThreshold: row?.flagHideThreshold ?? DEFAULT_MODERATION_SETTINGS.flagHideThreshold,
    heldPostCount: row?.heldPostCount ?? DEFAULT_MODERATION_SETTINGS.heldPostCount,
  };
}

const settingsSchema = z.object({
  flagHideThreshold: z.coerce
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(1, "At least 1 flag.")
    .max(50, "At most 50 flags."),
  heldPostCount: z.coerce
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(0, "Use 0 to hold no posts.")
    .max(20, "At most 20 posts."),
});

export async function updateModerationSettings(actor: Actor, input: unknown) {
  ensure(canManageModerationSettings(actor), "Only an admin can change moderation settings.");
  ensureSignedIn(actor);
  const values = parseInput(settingsSchema, input);
  await write(async (db) => {
    const before = await getModerationSettings();
    if (before.flagHideThreshold === values.flagHideThreshold && before.heldPostCount === values.heldPostCount) return;
    await db.update(moderationSettings).set(values).where(eq(moderationSettings.id, 1));
    await recordAudit(actor, {
      action: "settings.update",
      subject: { type: "settings", id: 1, label: "Moderation settings" },
      before,
      after: values,
    });
  });
}

/** For scripts (seeding, benchmarks) that act as nobody; admins use updateModerationSettings, which is audited. */
export async function setHeldPostCount(heldPostCount: number) {
  await write((db) => db.update(moderationSettings).set({ heldPostCount }).where(eq(moderationSettings.id, 1)));
}

/**
 * Seeds an established community (the demo's history, benchmark communities): what its members
 * wrote predates holding, so nothing written inside `work` waits for review.
 */
export async function asEstablishedCommunity<T>(work: () => T | Promise<T>): Promise<T> {
  const { heldPostCount } = await getModerationSettings();
  await setHeldPostCount(0);
  try {
    return await work();
  } finally {
    await setHeldPostCount(heldPostCount);
  }
}
