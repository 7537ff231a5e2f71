/**
 * A person's own time zone (IANA, "Europe/Paris"): support staff see the customer's local time by
 * it. Unset until the person chooses one; only the zones this runtime knows can be chosen.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../../db/schema";
import { firstRow, read, writeUnseenByVisitors } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { isKnownTimeZone, TIME_ZONES } from "~/lib/time-zones";

const timeZoneSchema = z.object({
  timeZone: z
    .string({ error: "Choose a time zone from the list." })
    .trim()
    .refine((zone) => zone === "" || isKnownTimeZone(zone), "Choose a time zone from the list."),
});

export async function timeZoneSetting(actor: Actor) {
  ensureSignedIn(actor);
  const user = firstRow(
    await read((db) => db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, actor.id))),
  );
  return { timeZone: user?.timeZone ?? null, choices: TIME_ZONES };
}

/** Saves the actor's time zone; the empty choice unsets it. */
export async function saveTimeZone(actor: Actor, input: unknown) {
  ensureSignedIn(actor);
  const { timeZone } = parseInput(timeZoneSchema, input);
  await writeUnseenByVisitors((db) =>
    db
      .update(users)
      .set({ timeZone: timeZone || null })
      .where(eq(users.id, actor.id)),
  );
}
