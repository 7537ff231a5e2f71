import { describe, expect, it } from "vitest";
import { signInDelayMs } from "~/lib/rate-limit.server";

// Counts include the attempt being answered: the sixth attempt on an account follows five failures.
describe("signInDelayMs", () => {
  it("waits nothing up to five failures per account and thirty per address", () => {
    expect(signInDelayMs({ account: 1, address: 1 }, 1000)).toBe(0);
    expect(signInDelayMs({ account: 5, address: 30 }, 1000)).toBe(0);
  });

  it("then doubles from one step with every failure, up to ten steps", () => {
    expect([6, 7, 8, 9, 10, 11, 500].map((account) => signInDelayMs({ account, address: 1 }, 1000))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect([31, 32, 36, 1000].map((address) => signInDelayMs({ account: 1, address }, 1000))).toEqual([1000, 2000, 10_000, 10_000]);
  });

  it("takes the longer of the account's and the address's delays", () => {
    expect(signInDelayMs({ account: 7, address: 33 }, 1000)).toBe(4000);
    expect(signInDelayMs({ account: 9, address: 31 }, 1)).toBe(8);
  });
});
