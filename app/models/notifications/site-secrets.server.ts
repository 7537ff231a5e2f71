/**
 * Secrets made once per installation and kept in `site_secrets` (the keys that sign unsubscribe
 * links and reply addresses). Invariant: a secret never changes once made; whichever process asks
 * first makes it, and a second process's insert does nothing.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { siteSecrets } from "../../../db/schema";
import { firstRow, read, writeUnseenByVisitors } from "~/lib/db.server";

// A secret never changes once made, so each process reads it once (every email signs two links).
const known = new Map<string, string>();

/** The installation's secret called `name` (64 hex characters), made on first use. */
export async function siteSecret(name: string): Promise<string> {
  const cached = known.get(name);
  if (cached) return cached;
  const secret = await readOrMakeSecret(name);
  known.set(name, secret);
  return secret;
}

/** Forgets what this process read, as a new process would (tests that swap a key). */
export function forgetSiteSecrets() {
  known.clear();
}

async function readOrMakeSecret(name: string): Promise<string> {
  const stored = async () =>
    firstRow(await read((db) => db.select().from(siteSecrets).where(eq(siteSecrets.name, name))))?.value;
  const existing = await stored();
  if (existing) return existing;
  await writeUnseenByVisitors((db) =>
    db
      .insert(siteSecrets)
      .values({ name, value: randomBytes(32).toString("hex") })
      .onConflictDoNothing(),
  );
  return (await stored())!;
}
