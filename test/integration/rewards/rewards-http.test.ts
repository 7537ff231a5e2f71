// Rewards over real HTTP on the demo community: who reaches which page, refusals as 4xx with their
// message beside the form, a code shown to its redeemer only, and the profile's balance to its owner and staff.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { users } from "../../../db/schema";
import { oneRow, read } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { createReward, uploadCodes } from "~/models/rewards/catalogue.server";
import { balanceOn } from "~/models/rewards/points.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { givePoints } from "../../fixtures/rewards";

serveBuiltApp({
  admin: "admin@example.com",
  staff: "staff@example.com",
  customer: "customer@example.com",
  member: "member@example.com",
});

const memberNamed = async (username: string): Promise<Member> => {
  const row = oneRow(await read((db) => db.select().from(users).where(eq(users.username, username))));
  return { kind: "user", ...row };
};
const text = async (response: Response) => (await response.text()).replaceAll("&quot;", '"').replaceAll("&#x27;", "'");

let admin: Member;
let customer: Member;
let member: Member;
beforeAll(async () => {
  [admin, customer, member] = await Promise.all(["ada", "casey", "morgan"].map(memberNamed));
  await givePoints(admin, customer, 100);
  await givePoints(admin, member, 100);
});

describe("rewards over HTTP", () => {
  it("opens each page to whom it is for", async () => {
    expect((await client.get("/rewards")).status).toBe(302);
    expect((await client.get("/rewards", { cookie: cookies.customer })).status).toBe(200);
    expect((await client.get("/mod/rewards", { cookie: cookies.admin })).status).toBe(200);
    expect((await client.get("/mod/rewards", { cookie: cookies.staff })).status).toBe(403);
    expect((await client.get("/support/rewards", { cookie: cookies.staff })).status).toBe(200);
    expect((await client.get("/support/rewards", { cookie: cookies.customer })).status).toBe(403);
    expect(
      (await client.post("/mod/rewards", { intent: "settings", sharePercent: "5" }, { cookie: cookies.staff })).status,
    ).toBe(403);
  });

  it("refuses with a 4xx and the reason next to the form, and redeems with a 303", async () => {
    const shirt = await createReward(admin, {
      name: "Hearth T-shirt",
      description: "Cotton.",
      kind: "merchandise",
      audience: "customers",
      cost: "40",
      stock: "5",
    });
    const address = {
      shipName: "Casey",
      shipAddress: "1 High St",
      shipCity: "Leeds",
      shipPostcode: "LS1 1AA",
      shipCountry: "UK",
    };
    const invalid = await client.post(
      `/rewards/${shirt.id}`,
      { ...address, shipCity: "" },
      { cookie: cookies.customer },
    );
    expect(invalid.status).toBe(400);
    expect(await text(invalid)).toContain("Enter the town or city.");
    // An override would make the address staff read differently from what it says ("1 High St" in reverse).
    const balanceBefore = await read((db) => balanceOn(db, customer.id));
    const reversed = await client.post(
      `/rewards/${shirt.id}`,
      { ...address, shipAddress: "\u202Ets hgiH 1" },
      { cookie: cookies.customer },
    );
    expect(reversed.status).toBe(400);
    expect(await text(reversed)).toContain("Remove the invisible characters that change the direction of the text");
    expect(await read((db) => balanceOn(db, customer.id))).toBe(balanceBefore);
    const forbidden = await client.post(`/rewards/${shirt.id}`, {}, { cookie: cookies.member });
    expect(forbidden.status).toBe(403);
    expect(await text(forbidden)).toContain("This reward is for customers only.");
    const dear = await createReward(admin, {
      name: "Hub Pro",
      description: "A hub.",
      kind: "donation",
      audience: "everyone",
      cost: "1000",
      stock: "",
    });
    // The demo's votes earned the member points of their own, besides the 100 given.
    const memberBalance = await read((db) => balanceOn(db, member.id));
    expect(memberBalance).toBeGreaterThanOrEqual(100);
    const poor = await client.post(`/rewards/${dear.id}`, {}, { cookie: cookies.member });
    expect(poor.status).toBe(409);
    expect(await text(poor)).toContain(`costs 1000 points and you have ${memberBalance}`);
    const done = await client.post(`/rewards/${shirt.id}`, address, { cookie: cookies.customer });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toMatch(/^\/rewards#redemption-\d+$/);
    const queue = await text(await client.get("/support/rewards", { cookie: cookies.staff }));
    expect(queue).toContain("Hearth T-shirt");
    expect(queue).toContain(`href="/users/casey"`);
    expect(queue).toContain("LS1 1AA");
  });

  it("shows a discount code to its redeemer and staff, never to another person", async () => {
    const discount = await createReward(admin, {
      name: "10% off",
      description: "On the shop.",
      kind: "discount_code",
      audience: "everyone",
      cost: "10",
      stock: "",
    });
    await uploadCodes(admin, discount.id, "HEARTH-SECRET-1");
    expect((await client.post(`/rewards/${discount.id}`, {}, { cookie: cookies.customer })).status).toBe(303);
    expect(await text(await client.get("/rewards", { cookie: cookies.customer }))).toContain("HEARTH-SECRET-1");
    expect(await text(await client.get("/support/rewards", { cookie: cookies.staff }))).toContain("HEARTH-SECRET-1");
    for (const cookie of [cookies.member, cookies.admin, undefined]) {
      for (const path of [
        "/rewards",
        `/rewards/${discount.id}`,
        "/users/casey",
        "/mod/rewards",
        `/mod/rewards/${discount.id}`,
      ]) {
        expect(await text(await client.get(path, { cookie })), path).not.toContain("HEARTH-SECRET-1");
      }
    }
  });

  it("shows the profile's points balance to its owner and staff only", async () => {
    const balance = (page: string) => /data-loyalty-points="(-?\d+)"/.exec(page)?.[1];
    const own = balance(await text(await client.get("/users/casey", { cookie: cookies.customer })));
    expect(Number(own)).toBeGreaterThan(0);
    expect(balance(await text(await client.get("/users/casey", { cookie: cookies.staff })))).toBe(own);
    expect(balance(await text(await client.get("/users/casey", { cookie: cookies.member })))).toBeUndefined();
    expect(balance(await text(await client.get("/users/casey")))).toBeUndefined();
  });
});
