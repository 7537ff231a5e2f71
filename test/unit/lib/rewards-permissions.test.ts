// Who earns loyalty points (the permission table in permissions.test.ts covers the can* rules).
import { describe, expect, it } from "vitest";
import { earnsLoyaltyPoints } from "~/lib/permissions.server";

describe("earnsLoyaltyPoints", () => {
  it("gives points to members and customers, never to staff or admins", () => {
    expect((["member", "customer", "staff", "admin"] as const).map(earnsLoyaltyPoints)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
