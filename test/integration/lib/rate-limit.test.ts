import { afterEach, describe, expect, it } from "vitest";
import { rateLimitBuckets } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { firstRow, read, write } from "~/lib/db.server";
import { RateLimitError } from "~/lib/errors.server";
import { consume } from "~/lib/rate-limit.server";
import { eq } from "drizzle-orm";

const limit = { max: 2, windowMs: 60_000 };
const bucket = (key: string) =>
  read(async (db) => firstRow(await db.select().from(rateLimitBuckets).where(eq(rateLimitBuckets.key, key))));

afterEach(() => setClock(null));

describe("consume", () => {
  it("counts attempts up to the limit, then refuses without counting until the window ends", async () => {
    const start = new Date("2026-11-30T10:00:00Z");
    setClock(start);
    await consume("test:full", limit);
    await consume("test:full", limit);
    setClock(new Date(start.getTime() + 20_000));
    const refused = await consume("test:full", limit).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).retryAfterSeconds).toBe(40);
    expect(await bucket("test:full")).toMatchObject({ count: 2, windowStartedAt: start });
    const later = new Date(start.getTime() + 60_000);
    setClock(later);
    await consume("test:full", limit);
    expect(await bucket("test:full")).toMatchObject({ count: 1, windowStartedAt: later });
  });

  it("counts inside a write as part of it: rolled back with it", async () => {
    await write(async () => {
      await consume("test:inside", limit);
      expect(await bucket("test:inside")).toMatchObject({ count: 1 });
      throw new Error("roll back");
    }).catch(() => {});
    expect(await bucket("test:inside")).toBeUndefined();
  });
});
