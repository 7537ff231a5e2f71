import { describe, expect, it } from "vitest";
import { addressNetwork, signInDelayMs } from "~/lib/rate-limit.server";

// Counts include the attempt being answered: the sixth attempt on an account follows five failures.
describe("signInDelayMs", () => {
  it("waits nothing up to five failures per account and thirty per address", () => {
    expect(signInDelayMs({ account: 1, address: 1 }, 1000)).toBe(0);
    expect(signInDelayMs({ account: 5, address: 30 }, 1000)).toBe(0);
  });

  it("then doubles from one step with every failure, up to ten steps", () => {
    expect([6, 7, 8, 9, 10, 11, 500].map((account) => signInDelayMs({ account, address: 1 }, 1000))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
    expect([31, 32, 36, 1000].map((address) => signInDelayMs({ account: 1, address }, 1000))).toEqual([
      1000, 2000, 10_000, 10_000,
    ]);
  });

  it("takes the longer of the account's and the address's delays", () => {
    expect(signInDelayMs({ account: 7, address: 33 }, 1000)).toBe(4000);
    expect(signInDelayMs({ account: 9, address: 31 }, 1)).toBe(8);
  });
});

describe("addressNetwork", () => {
  it("keeps IPv4 addresses, unwraps IPv4-mapped ones and counts IPv6 by its /64 whatever its spelling", () => {
    expect(addressNetwork("198.51.100.7")).toBe("198.51.100.7");
    expect(addressNetwork("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(addressNetwork("2001:db8:7:1::5")).toBe("2001:db8:7:1::/64");
    expect(addressNetwork("2001:0DB8:0007:0001:ffff:0:0:9")).toBe("2001:db8:7:1::/64");
    expect(addressNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressNetwork("::1")).toBe("0:0:0:0::/64");
    expect(addressNetwork("unknown")).toBe("unknown");
  });
});
