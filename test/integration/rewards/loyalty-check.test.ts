// `npm run loyalty:check` proves the stored balances equal their rows, and names a person whose does not.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loyaltyBalances } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { makeUser } from "../../fixtures/factories";
import { givePoints, setReputation } from "../../fixtures/rewards";

const run = promisify(execFile);
const check = () =>
  run("node_modules/.bin/tsx", ["app/cli/loyalty-check.ts"], { env: process.env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe("npm run loyalty:check", () => {
  it("passes when every balance equals its rows and names the person whose does not", async () => {
    const admin = await makeUser("admin");
    const customer = await makeUser("customer");
    await setReputation(customer, 250);
    await givePoints(admin, customer, 7);
    const passed = await check();
    expect(passed).toMatchObject({ code: 0, stdout: expect.stringContaining("every loyalty balance equals its rows") });

    await scriptDb()
      .update(loyaltyBalances)
      .set({ balance: sql`${loyaltyBalances.balance} + 1` })
      .where(eq(loyaltyBalances.userId, customer.id));
    const failed = await check();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`user ${customer.id}: balance 33 (rows say 32), earned 25 (rows say 25)`);
  }, 60_000);
});
