// Loyalty points follow reputation exactly (rounding down, taken back with it), a change of share
// applies from then on, staff earn nothing, and admins' adjustments are audited.
import { and, asc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, loyaltyBalances, loyaltyPointEvents } from "../../../db/schema";
import { read, write } from "~/lib/db.server";
import { ForbiddenError, ValidationError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import {
  adjustPoints,
  checkLoyaltyBalances,
  loyaltyBalanceFor,
  myPoints,
  updateRewardsSettings,
} from "~/models/rewards/points.server";
import { pointsForReputation } from "~/models/rewards/rules";
import { VISITOR } from "~/lib/permissions.server";
import { makeUser } from "../../fixtures/factories";
import { setReputation } from "../../fixtures/rewards";

let admin: Member;
beforeAll(async () => {
  admin = await makeUser("admin");
});

const balance = async (user: Member) => (await myPoints(user)).balance;
const rows = (user: Member) =>
  read((db) =>
    db
      .select({ kind: loyaltyPointEvents.kind, points: loyaltyPointEvents.points })
      .from(loyaltyPointEvents)
      .where(eq(loyaltyPointEvents.userId, user.id))
      .orderBy(asc(loyaltyPointEvents.id)),
  );

describe("earning points with reputation", () => {
  it("keeps what a person earned at floor(reputation × share), taking points back with reputation", async () => {
    await updateRewardsSettings(admin, { sharePercent: "10" });
    const customer = await makeUser("customer");
    const expected: [number, number][] = [
      [15, 1],
      [19, 1],
      [20, 2],
      [29, 2],
      [9, 0],
      [-5, 0],
      [35, 3],
    ];
    for (const [total, points] of expected) {
      await setReputation(customer, total);
      expect(await balance(customer), `reputation ${total}`).toBe(points);
    }
    expect(await rows(customer)).toEqual([
      { kind: "earned", points: 1 },
      { kind: "earned", points: 1 },
      { kind: "earning_reversed", points: -2 },
      { kind: "earned", points: 3 },
    ]);
    expect(await checkLoyaltyBalances()).toEqual([]);
  });

  it("never drifts over many ups and downs", async () => {
    await updateRewardsSettings(admin, { sharePercent: "7" });
    const member = await makeUser("member");
    let total = 0;
    for (let step = 0; step < 60; step++) {
      total += [10, 5, -2, 15, -10, 2, -15, 25, -1][step % 9];
      await setReputation(member, total);
      expect(await balance(member)).toBe(pointsForReputation(total, 7));
    }
    expect(await checkLoyaltyBalances()).toEqual([]);
  });

  it("applies a new share from then on: points already earned stay", async () => {
    await updateRewardsSettings(admin, { sharePercent: "10" });
    const customer = await makeUser("customer");
    await setReputation(customer, 100);
    expect(await balance(customer)).toBe(10);
    await updateRewardsSettings(admin, { sharePercent: "50" });
    expect(await balance(customer)).toBe(10); // nothing rewritten when the share changes
    await setReputation(customer, 110);
    expect(await balance(customer)).toBe(15); // 10 + half of the 10 gained since
    await setReputation(customer, 100);
    expect(await balance(customer)).toBe(10);
    await setReputation(customer, 0);
    expect(await balance(customer)).toBe(0); // never below nothing earned
    await setReputation(customer, 100);
    expect(await balance(customer)).toBe(10);
    const audit = await read((db) =>
      db.select().from(auditLog).where(eq(auditLog.action, "rewards.settings")).orderBy(asc(auditLog.id)),
    );
    expect(audit.at(-1)).toMatchObject({
      actorId: admin.id,
      before: { sharePercent: 10 },
      after: { sharePercent: 50 },
    });
    await updateRewardsSettings(admin, { sharePercent: "10" });
    expect(await checkLoyaltyBalances()).toEqual([]);
  });

  it("gives staff and admins no points", async () => {
    for (const role of ["staff", "admin"] as const) {
      const person = await makeUser(role);
      await setReputation(person, 500);
      expect(await balance(person)).toBe(0);
      expect(await rows(person)).toEqual([]);
    }
  });

  it("refuses a share outside 0-100 with a message on the field, and non-admins", async () => {
    await expect(updateRewardsSettings(admin, { sharePercent: "101" })).rejects.toMatchObject({
      fieldErrors: { sharePercent: "Between 0 and 100 percent." },
    });
    await expect(updateRewardsSettings(await makeUser("staff"), { sharePercent: "5" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe("adjusting points", () => {
  it("lets an admin add or take points with a reason, audited, and the person reads it", async () => {
    const customer = await makeUser("customer");
    await adjustPoints(admin, { username: customer.username, points: "40", reason: "Thanks for the meetup talk" });
    await adjustPoints(admin, { username: customer.username.toUpperCase(), points: "-15", reason: "Duplicate grant" });
    const mine = await myPoints(customer);
    expect(mine.balance).toBe(25);
    expect(mine.history.map((row) => [row.kind, row.points, row.reason])).toEqual([
      ["adjusted", -15, "Duplicate grant"],
      ["adjusted", 40, "Thanks for the meetup talk"],
    ]);
    const audit = await read((db) =>
      db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "loyalty.adjust"), eq(auditLog.subjectId, customer.id)))
        .orderBy(asc(auditLog.id)),
    );
    expect(audit.map((entry) => [entry.actorId, entry.reason, entry.before, entry.after])).toEqual([
      [admin.id, "Thanks for the meetup talk", { balance: 0 }, { balance: 40 }],
      [admin.id, "Duplicate grant", { balance: 40 }, { balance: 25 }],
    ]);
    expect(await checkLoyaltyBalances()).toEqual([]);
  });

  it("gives points to a balance below zero, and takes none from it", async () => {
    const customer = await makeUser("customer");
    await adjustPoints(admin, { username: customer.username, points: "3", reason: "Welcome" });
    // Reputation taken back after the points were spent leaves the balance below zero.
    await write((db) => db.update(loyaltyBalances).set({ balance: -2 }).where(eq(loyaltyBalances.userId, customer.id)));
    const refused = await adjustPoints(admin, { username: customer.username, points: "-1", reason: "Oops" }).catch(
      (error: unknown) => error,
    );
    expect((refused as ValidationError).fieldErrors.points).toBe(
      `${customer.username} has -2 points: there is nothing to take away.`,
    );
    await adjustPoints(admin, { username: customer.username, points: "5", reason: "Goodwill" });
    expect((await myPoints(customer)).balance).toBe(3);
  });

  it("refuses bad input with field messages and saves nothing", async () => {
    const customer = await makeUser("customer");
    const cases: [Record<string, string>, string][] = [
      [{ username: customer.username, points: "0", reason: "Because" }, "points"],
      [{ username: customer.username, points: "ten", reason: "Because" }, "points"],
      [{ username: customer.username, points: "1e3", reason: "Because" }, "points"],
      [{ username: customer.username, points: "0x10", reason: "Because" }, "points"],
      [{ username: customer.username, points: "5", reason: "" }, "reason"],
      [{ username: "nobody-at-all", points: "5", reason: "Because" }, "username"],
      [{ username: customer.username, points: "-1", reason: "Below zero" }, "points"],
      [{ username: (await makeUser("staff")).username, points: "5", reason: "Staff" }, "username"],
    ];
    for (const [input, field] of cases) {
      const refused = await adjustPoints(admin, input).catch((error: unknown) => error);
      expect(refused, JSON.stringify(input)).toBeInstanceOf(ValidationError);
      expect(Object.keys((refused as ValidationError).fieldErrors)).toEqual([field]);
    }
    expect(await rows(customer)).toEqual([]);
    await expect(
      adjustPoints(await makeUser("staff"), { username: customer.username, points: "5", reason: "Because" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("shows a balance to its owner and staff only", async () => {
    const customer = await makeUser("customer");
    await adjustPoints(admin, { username: customer.username, points: "12", reason: "Welcome" });
    expect(await loyaltyBalanceFor(customer, customer)).toBe(12);
    expect(await loyaltyBalanceFor(await makeUser("staff"), customer)).toBe(12);
    expect(await loyaltyBalanceFor(await makeUser("customer"), customer)).toBeNull();
    expect(await loyaltyBalanceFor(VISITOR, customer)).toBeNull();
  });
});
