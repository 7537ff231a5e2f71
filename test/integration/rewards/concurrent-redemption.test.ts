// Two processes redeem the last item at the same moment: one succeeds, the other is refused, and
// stock, points and redemptions agree (SQLite's file lock or PostgreSQL's write lock between them).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rewardRedemptions, rewards } from "../../../db/schema";
import { oneRow, read } from "~/lib/db.server";
import { createReward } from "~/models/rewards/catalogue.server";
import { checkLoyaltyBalances, myPoints } from "~/models/rewards/points.server";
import { makeUser } from "../../fixtures/factories";
import { givePoints } from "../../fixtures/rewards";
import { TEST_DB_DIR } from "../../fixtures/test-databases";

function startRedeemer(userId: number, rewardId: number, goFile: string) {
  const child = spawn(
    "node_modules/.bin/tsx",
    ["test/fixtures/reward-redeemer.ts", String(userId), String(rewardId), goFile],
    {
      env: process.env,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes("ready")) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
    child.once("exit", () => {
      clearInterval(timer);
      reject(new Error(`redeemer exited before it was ready: ${out}`));
    });
  });
  const outcome = new Promise<{ ok: boolean; message?: string }>((resolve, reject) =>
    child.once("exit", (code) => {
      const line = out.split("\n").find((text) => text.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`redeemer failed (${code}): ${out}`));
      else resolve(JSON.parse(line));
    }),
  );
  return { ready, outcome };
}

describe("redeeming the last item from two processes at once", () => {
  it("gives one success and one clear refusal, with nothing half-done", async () => {
    const admin = await makeUser("admin");
    const [first, second] = [await makeUser("customer"), await makeUser("customer")];
    await givePoints(admin, first, 100);
    await givePoints(admin, second, 100);
    const reward = await createReward(admin, {
      name: "The last hoodie",
      description: "One left.",
      kind: "early_access",
      audience: "customers",
      cost: "60",
      stock: "1",
    });
    const goFile = path.join(TEST_DB_DIR, `go-${process.pid}-${reward.id}`);
    const redeemers = [startRedeemer(first.id, reward.id, goFile), startRedeemer(second.id, reward.id, goFile)];
    await Promise.all(redeemers.map((redeemer) => redeemer.ready));
    fs.writeFileSync(goFile, "go");
    const outcomes = await Promise.all(redeemers.map((redeemer) => redeemer.outcome));
    fs.rmSync(goFile, { force: true });

    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    const refused = outcomes.find((outcome) => !outcome.ok)!;
    expect(refused).toMatchObject({ error: "ConflictError", message: expect.stringMatching(/out of stock/) });
    const balances = [(await myPoints(first)).balance, (await myPoints(second)).balance].sort((a, b) => a - b);
    expect(balances).toEqual([40, 100]);
    expect(
      oneRow(await read((db) => db.select({ stock: rewards.stock }).from(rewards).where(eq(rewards.id, reward.id)))),
    ).toEqual({ stock: 0 });
    const made = await read((db) =>
      db.select().from(rewardRedemptions).where(eq(rewardRedemptions.rewardId, reward.id)),
    );
    expect(made).toHaveLength(1);
    expect(await checkLoyaltyBalances()).toEqual([]);
  }, 60_000);
});
