/**
 * Moderation settings (how many flags hide a post), and the way scripts act as an established
 * community. Whose posts wait for review is the trust levels' (app/models/trust/).
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { moderationSettings } from "../../../db/schema";
import { firstRow, write, read } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { canManageModerationSettings, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { recordAudit } from "~/models/shared/audit.server";
import { setTrustThresholdsForScripts } from "~/models/trust/settings.server";
import { getTrustThresholds } from "~/models/trust/thresholds.server";

/** The settings when their row is missing (the schema's defaults). */
export const DEFAULT_MODERATION_SETTINGS = { flagHideThreshold: 3 };

export async function getModerationSettings() {
  const row = firstRow(await read((db) => db.select().from(moderationSettings).where(eq(moderationSettings.id, 1))));
  return {
    flagHideThreshold: row?.flagHideThreshold ?? DEFAULT_MODERATION_SETTINGS.flagHideThreshold,
  };
}

const settingsSchema = z.object({
  flagHideThreshold: z.coerce
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(1, "At least 1 flag.")
    .max(50, "At most 50 flags."),
});

export async function updateModerationSettings(actor: Actor, input: unknown) {
  ensure(canManageModerationSettings(actor), "Only an admin can change moderation settings.");
  ensureSignedIn(actor);
  const values = parseInput(settingsSchema, input);
  await write(async (db) => {
    const before = await getModerationSettings();
    if (before.flagHideThreshold === values.flagHideThreshold) return;
    await db.update(moderationSettings).set(values).where(eq(moderationSettings.id, 1));
    await recordAudit(actor, {
      action: "settings.update",
      subject: { type: "settings", id: 1, label: "Moderation settings" },
      before,
      after: values,
    });
  });
}

/**
 * Seeds an established community (the demo's history, benchmark communities): what its members
 * wrote predates holding, so nothing written inside `work` waits for review. Everyone, and everyone
 * created inside, is at least "basic" meanwhile, and stays so (levels up to "member" are kept once
 * reached: DECISIONS.md #77); afterwards the thresholds are the ones before, and each level what
 * they give.
 */
export async function asEstablishedCommunity<T>(work: () => T | Promise<T>): Promise<T> {
  const thresholds = await getTrustThresholds();
  await setTrustThresholdsForScripts({ ...thresholds, basic: { reputation: 0, days: 0, posts: 0 } });
  try {
    return await work();
  } finally {
    await setTrustThresholdsForScripts(thresholds);
  }
}
