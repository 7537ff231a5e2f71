// Redeeming: one transaction (stock, code and points together or not at all), clear refusals with
// nothing changed, codes handed out once and shown to their redeemer and staff only, and staff's
// queue (fulfil, or cancel with a refund), each change audited and the redeemer told.
import { and, count, eq, isNull } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  auditLog,
  loyaltyPointEvents,
  notifications,
  rewardCodes,
  rewardRedemptions,
  rewards,
} from "../../../db/schema";
import { firstRow, oneRow, read } from "~/lib/db.server";
import { ConflictError, ForbiddenError, NotFoundError, RateLimitError, ValidationError } from "~/lib/errors.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { createReward, setRewardRetired, updateReward, uploadCodes } from "~/models/rewards/catalogue.server";
import { checkLoyaltyBalances, myPoints } from "~/models/rewards/points.server";
import {
  cancelRedemption,
  fulfilRedemption,
  listCatalogue,
  myRedemptions,
  redeemReward,
  redemptionQueue,
} from "~/models/rewards/redemptions.server";
import { makeUser } from "../../fixtures/factories";
import { givePoints } from "../../fixtures/rewards";

let admin: Member;
let staff: Member;
beforeAll(async () => {
  admin = await makeUser("admin");
  staff = await makeUser("staff");
});
beforeEach(() => resetAllLimits());

const ADDRESS = {
  shipName: "Casey Jones",
  shipAddress: "1 High Street",
  shipCity: "London",
  shipPostcode: "N1 9GU",
  shipCountry: "United Kingdom",
};

async function makeReward(overrides: Record<string, string> = {}) {
  return createReward(admin, {
    name: `Reward ${Math.random().toString(36).slice(2, 7)}`,
    description: "Something nice.",
    kind: "donation",
    audience: "everyone",
    cost: "50",
    stock: "",
    ...overrides,
  });
}

/** Everything a redemption could change, to compare before and after a refusal. */
async function snapshot(user: Member, rewardId: number) {
  return read(async (db) => ({
    balance: (await myPoints(user)).balance,
    events: oneRow(
      await db.select({ n: count() }).from(loyaltyPointEvents).where(eq(loyaltyPointEvents.userId, user.id)),
    ).n,
    redemptions: oneRow(
      await db.select({ n: count() }).from(rewardRedemptions).where(eq(rewardRedemptions.rewardId, rewardId)),
    ).n,
    stock: oneRow(await db.select({ stock: rewards.stock }).from(rewards).where(eq(rewards.id, rewardId))).stock,
    freeCodes: oneRow(
      await db
        .select({ n: count() })
        .from(rewardCodes)
        .where(and(eq(rewardCodes.rewardId, rewardId), isNull(rewardCodes.redemptionId))),
    ).n,
  }));
}

async function expectRefusal(user: Member, rewardId: number, input: object, kind: unknown, message?: RegExp) {
  const before = await snapshot(user, rewardId);
  const refused = await redeemReward(user, rewardId, input).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(kind as never);
  if (message) expect((refused as Error).message).toMatch(message);
  expect(await snapshot(user, rewardId)).toEqual(before);
  return refused;
}

describe("redeeming a reward", () => {
  it("spends the points, takes one from stock and queues merchandise with its address", async () => {
    const customer = await makeUser("customer");
    await givePoints(admin, customer, 120);
    const reward = await makeReward({ kind: "merchandise", stock: "3", cost: "100" });
    const { redemptionId, code } = await redeemReward(customer, reward.id, ADDRESS);
    expect(code).toBeNull();
    expect((await myPoints(customer)).balance).toBe(20);
    const row = oneRow(
      await read((db) => db.select().from(rewardRedemptions).where(eq(rewardRedemptions.id, redemptionId))),
    );
    expect(row).toMatchObject({ status: "requested", cost: 100, ...ADDRESS });
    expect((await listCatalogue(customer)).find((item) => item.id === reward.id)?.left).toBe(2);
    expect((await myPoints(customer)).history[0]).toMatchObject({ kind: "spent", points: -100 });
    expect(await checkLoyaltyBalances()).toEqual([]);
  });

  it("refuses without enough points, out of stock, for the wrong role, retired, and changes nothing", async () => {
    const customer = await makeUser("customer");
    const member = await makeUser("member");
    await givePoints(admin, customer, 60);
    await givePoints(admin, member, 60);
    const dear = await makeReward({ cost: "61" });
    await expectRefusal(customer, dear.id, {}, ConflictError, /costs 61 points and you have 60: 1 more to go/);
    const soldOut = await makeReward({ stock: "0" });
    await expectRefusal(customer, soldOut.id, {}, ConflictError, /out of stock/);
    const forCustomers = await makeReward({ audience: "customers" });
    await expectRefusal(member, forCustomers.id, {}, ForbiddenError, /for customers only/);
    await expectRefusal(staff, forCustomers.id, {}, ForbiddenError, /Staff and admins do not redeem/);
    const everyone = await makeReward({ audience: "everyone" });
    await redeemReward(member, everyone.id, {}); // members may redeem what is for everyone
    const retired = await makeReward();
    await setRewardRetired(admin, retired.id, true);
    await expectRefusal(customer, retired.id, {}, NotFoundError);
    expect((await listCatalogue(customer)).some((item) => item.id === retired.id)).toBe(false);
  });

  it("refuses, charging nothing, when the price changed after the person saw it", async () => {
    const customer = await makeUser("customer");
    await givePoints(admin, customer, 100);
    const reward = await makeReward({ cost: "20" });
    await resetAllLimits();
    await updateReward(admin, reward.id, {
      name: "Dearer now",
      description: "Something nice.",
      kind: "donation",
      audience: "everyone",
      cost: "90",
      stock: "",
    });
    await expectRefusal(customer, reward.id, { cost: "20" }, ConflictError, /is now 90 points \(it was 20/);
    await redeemReward(customer, reward.id, { cost: "90" });
    expect((await myPoints(customer)).balance).toBe(10);
  });

  it("refuses merchandise without a valid address, with a message per field, saving nothing", async () => {
    const customer = await makeUser("customer");
    await givePoints(admin, customer, 100);
    const reward = await makeReward({ kind: "merchandise", stock: "5" });
    const refused = (await expectRefusal(
      customer,
      reward.id,
      { ...ADDRESS, shipCity: "", shipPostcode: "!!" },
      ValidationError,
    )) as ValidationError;
    expect(refused.fieldErrors).toEqual({
      shipCity: "Enter the town or city.",
      shipPostcode: "Enter a postal code (letters, digits, spaces or hyphens).",
    });
  });

  it("undoes every step when a later one fails: the code and stock taken stay free", async () => {
    const customer = await makeUser("customer");
    await givePoints(admin, customer, 30);
    // A code reward: the redemption row is written and the code claimed before the points are spent.
    const codes = await makeReward({ kind: "discount_code", cost: "40" });
    await uploadCodes(admin, codes.id, "ONLY-ONE");
    await expectRefusal(customer, codes.id, {}, ConflictError, /more to go/);
    const free = await read((db) => db.select().from(rewardCodes).where(eq(rewardCodes.rewardId, codes.id)));
    expect(free).toMatchObject([{ code: "ONLY-ONE", redemptionId: null }]);
    // Stock is taken before the points too.
    const last = await makeReward({ kind: "merchandise", stock: "1", cost: "40" });
    await expectRefusal(customer, last.id, ADDRESS, ConflictError, /more to go/);
    expect((await listCatalogue(customer)).find((item) => item.id === last.id)?.left).toBe(1);
  });

  it("limits how often a person redeems, refusals included", async () => {
    const customer = await makeUser("customer");
    const reward = await makeReward({ cost: "1000" });
    for (let attempt = 0; attempt < 10; attempt++) {
      await expect(redeemReward(customer, reward.id, {})).rejects.toBeInstanceOf(ConflictError);
    }
    await expect(redeemReward(customer, reward.id, {})).rejects.toBeInstanceOf(RateLimitError);
  });
});

describe("discount codes", () => {
  it("hands each code out once and shows it to its redeemer and staff only", async () => {
    const [first, second, other] = [await makeUser("customer"), await makeUser("customer"), await makeUser("customer")];
    const reward = await makeReward({ kind: "discount_code", cost: "10" });
    expect(await uploadCodes(admin, reward.id, 'code\nSAVE-10-A\r\n\n"SAVE-10-B",first batch\n')).toEqual({ added: 2 });
    for (const user of [first, second, other]) await givePoints(admin, user, 10);
    const a = await redeemReward(first, reward.id, {});
    const b = await redeemReward(second, reward.id, {});
    expect(new Set([a.code, b.code])).toEqual(new Set(["SAVE-10-A", "SAVE-10-B"]));
    await expectRefusal(other, reward.id, {}, ConflictError, /no codes left/);

    expect((await myRedemptions(first)).map((item) => [item.status, item.code])).toEqual([["fulfilled", a.code]]);
    expect(await myRedemptions(other)).toEqual([]);
    const catalogue = JSON.stringify(await listCatalogue(other));
    expect(catalogue).not.toContain(a.code!);
    const queue = await redemptionQueue(staff);
    expect(queue.handled.find((item) => item.id === a.redemptionId)?.code).toBe(a.code);
    await expect(redemptionQueue(first)).rejects.toBeInstanceOf(ForbiddenError);
    // The audit log counts codes and never lists them.
    const audit = await read((db) => db.select().from(auditLog).where(eq(auditLog.action, "reward.codes")));
    expect(JSON.stringify(audit)).not.toContain("SAVE-10");
  });

  it("refuses an upload with a duplicate or a code uploaded before, adding none of it", async () => {
    const reward = await makeReward({ kind: "discount_code", cost: "10" });
    await uploadCodes(admin, reward.id, "DUP-1\nDUP-2");
    const cases: [string, RegExp][] = [
      ["NEW-1\nNEW-2\nNEW-1", /line 3: “NEW-1” is also on line 1/],
      ["NEW-3\nDUP-2", /“DUP-2” was uploaded before/],
      ["NEW-4\nhas space", /line 2: not a code/],
      ["\n\n", /one code per line/],
    ];
    for (const [text, message] of cases) {
      const refused = await uploadCodes(admin, reward.id, text).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).fieldErrors.codes).toMatch(message);
    }
    const stored = await read((db) =>
      db.select({ code: rewardCodes.code }).from(rewardCodes).where(eq(rewardCodes.rewardId, reward.id)),
    );
    expect(stored.map((row) => row.code).sort()).toEqual(["DUP-1", "DUP-2"]);
    const donation = await makeReward();
    await expect(uploadCodes(admin, donation.id, "X-1")).rejects.toBeInstanceOf(ValidationError);
    await expect(uploadCodes(staff, reward.id, "X-2")).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("the catalogue", () => {
  it("validates a reward with a message per field and saves nothing", async () => {
    const refused = (await createReward(admin, {
      name: "",
      description: "x",
      kind: "discount_code",
      audience: "nobody",
      cost: "0",
      stock: "5",
    }).catch((error: unknown) => error)) as ValidationError;
    expect(refused).toBeInstanceOf(ValidationError);
    expect(Object.keys(refused.fieldErrors).sort()).toEqual(["audience", "cost", "name"]);
    const codesWithStock = (await createReward(admin, {
      name: "Codes",
      description: "x",
      kind: "discount_code",
      audience: "everyone",
      cost: "5",
      stock: "5",
    }).catch((error: unknown) => error)) as ValidationError;
    expect(codesWithStock.fieldErrors).toEqual({ stock: expect.stringMatching(/Leave this empty/) });
    expect(firstRow(await read((db) => db.select().from(rewards).where(eq(rewards.name, "Codes"))))).toBeUndefined();
    await expect(makeRewardAs(staff)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("audits creating, changing and retiring", async () => {
    const reward = await makeReward({ name: "Mug", kind: "merchandise", stock: "4" });
    await updateReward(admin, reward.id, {
      name: "Big mug",
      description: "A mug.",
      audience: "customers",
      cost: "80",
      stock: "3",
    });
    await setRewardRetired(admin, reward.id, true);
    await setRewardRetired(admin, reward.id, false);
    const audit = await read((db) =>
      db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.subjectType, "reward"), eq(auditLog.subjectId, reward.id))),
    );
    expect(audit.map((entry) => entry.action)).toEqual([
      "reward.create",
      "reward.update",
      "reward.retire",
      "reward.restore",
    ]);
    expect(audit[1]).toMatchObject({
      before: { name: "Mug", stock: 4, cost: 50 },
      after: { name: "Big mug", stock: 3, cost: 80 },
    });
    const row = oneRow(await read((db) => db.select().from(rewards).where(eq(rewards.id, reward.id))));
    expect(row).toMatchObject({ kind: "merchandise", audience: "customers", retiredAt: null });
  });
});

function makeRewardAs(actor: Member) {
  return createReward(actor, {
    name: "Nope",
    description: "x",
    kind: "donation",
    audience: "everyone",
    cost: "5",
    stock: "",
  });
}

describe("the staff queue", () => {
  it("fulfils with a note, tells the redeemer, and refuses a second hand", async () => {
    const customer = await makeUser("customer");
    await givePoints(admin, customer, 100);
    const reward = await makeReward({ kind: "early_access", cost: "30" });
    const { redemptionId } = await redeemReward(customer, reward.id, {});
    expect((await redemptionQueue(staff)).waiting.map((item) => item.id)).toContain(redemptionId);
    await fulfilRedemption(staff, redemptionId, { note: "You are on the beta list." });
    expect((await myRedemptions(customer))[0]).toMatchObject({
      status: "fulfilled",
      staffNote: "You are on the beta list.",
    });
    const told = await read((db) => db.select().from(notifications).where(eq(notifications.userId, customer.id)));
    expect(told).toMatchObject([
      { kind: "reward-redemption", url: `/rewards#redemption-${redemptionId}`, actorId: staff.id },
    ]);
    await expect(cancelRedemption(staff, redemptionId, { reason: "Changed my mind" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(fulfilRedemption(customer, redemptionId, {})).rejects.toBeInstanceOf(ForbiddenError);
    const audit = await read((db) => db.select().from(auditLog).where(eq(auditLog.action, "redemption.fulfil")));
    expect(audit.at(-1)).toMatchObject({ actorId: staff.id, subjectId: redemptionId });
  });

  it("cancels with a reason: the points come back and the item goes back in stock", async () => {
    const customer = await makeUser("customer");
    await givePoints(admin, customer, 100);
    const reward = await makeReward({ kind: "merchandise", cost: "70", stock: "1" });
    const { redemptionId } = await redeemReward(customer, reward.id, ADDRESS);
    expect((await myPoints(customer)).balance).toBe(30);
    await expect(cancelRedemption(staff, redemptionId, { reason: "" })).rejects.toMatchObject({
      fieldErrors: { reason: expect.any(String) },
    });
    await cancelRedemption(staff, redemptionId, { reason: "We cannot ship to that country yet." });
    const mine = await myPoints(customer);
    expect(mine.balance).toBe(100);
    expect(mine.history[0]).toMatchObject({
      kind: "refunded",
      points: 70,
      reason: "We cannot ship to that country yet.",
    });
    expect((await myRedemptions(customer))[0]).toMatchObject({ status: "cancelled" });
    expect((await listCatalogue(customer)).find((item) => item.id === reward.id)?.left).toBe(1);
    expect(await checkLoyaltyBalances()).toEqual([]);
  });
});
