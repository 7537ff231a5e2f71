/** The point values and the daily cap on votes, which admins set (DECISIONS.md #74). */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { reputationSettings } from "../../../db/schema";
import { firstRow, read, write } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { canManageReputationSettings, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { recordAudit } from "~/models/shared/audit.server";
import { DEFAULT_REPUTATION_SETTINGS, type ReputationSettings } from "./rules";

export async function getReputationSettings(): Promise<ReputationSettings> {
  const row = firstRow(await read((db) => db.select().from(reputationSettings).where(eq(reputationSettings.id, 1))));
  if (!row) return DEFAULT_REPUTATION_SETTINGS;
  const { id: _id, ...settings } = row;
  return settings;
}

const points = (max: number) =>
  z.coerce
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(0, "Use 0 for no points.")
    .max(max, `At most ${max}.`);

const settingsSchema = z.object({
  upvoteAnswer: points(1000),
  upvoteQuestion: points(1000),
  accepted: points(1000),
  acceptedOther: points(1000),
  verified: points(1000),
  articlePublished: points(1000),
  downvote: points(1000),
  downvoteCast: points(1000),
  dailyVoteCap: z.coerce
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(1, "At least 1 point a day.")
    .max(100_000, "At most 100,000 points a day."),
});

/** Changes the values earned from now on; past events keep what they earned. Audited. */
export async function updateReputationSettings(actor: Actor, input: unknown) {
  ensure(canManageReputationSettings(actor), "Only an admin can change reputation settings.");
  ensureSignedIn(actor);
  const values = parseInput(settingsSchema, input);
  await write(async (db) => {
    const before = await getReputationSettings();
    if (Object.entries(values).every(([key, value]) => before[key as keyof ReputationSettings] === value)) return;
    await db
      .insert(reputationSettings)
      .values({ id: 1, ...values })
      .onConflictDoUpdate({ target: reputationSettings.id, set: values });
    await recordAudit(actor, {
      action: "reputation-settings.update",
      subject: { type: "settings", id: 1, label: "Reputation settings" },
      before,
      after: values,
    });
  });
}
