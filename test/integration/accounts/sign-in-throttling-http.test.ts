// Sign-in throttling over real HTTP: guessing gets slow and a pair of address and account gets
// refused, but nobody can lock the owner (or a neighbour behind the same address) out.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { client, serveBuiltApp } from "../../fixtures/app-server";
import { makeUser, TEST_PASSWORD } from "../../fixtures/factories";
import { sessionCookieOf } from "../../fixtures/http-client";

beforeAll(() => {
  // Client addresses come from X-Forwarded-For, as behind a reverse proxy.
  process.env.TRUST_PROXY = "loopback";
  // One millisecond per delay step instead of a second: the tests check who gets in, not how slowly.
  process.env.SIGN_IN_DELAY_STEP_MS = "1";
});
serveBuiltApp();
beforeEach(() => resetAllLimits());

const attempt = (email: string, password: string, address: string) =>
  client.post("/login", { email, password, redirectTo: "/" }, { headers: { "x-forwarded-for": address } });

describe("sign-in throttling", () => {
  it("lets the owner in from another address after ten wrong passwords for their account from one address", async () => {
    const owner = await makeUser("member");
    const email = `${owner.username}@example.test`;
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await attempt(email, `wrong guess ${i}`, "198.51.100.1")).status);
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429]);
    const response = await attempt(email, TEST_PASSWORD, "198.51.100.2");
    expect(response.status).toBe(302);
    expect(sessionCookieOf(response)).not.toBeNull();
  });

  it("lets a neighbour behind the same address in after forty failures from it across other accounts", async () => {
    // Ten accounts (and addresses with none) four times each: under the pair limit, over the address's.
    const others = await Promise.all(Array.from({ length: 8 }, () => makeUser("member")));
    const emails = [
      ...others.map((other) => `${other.username}@example.test`),
      "nobody-1@example.test",
      "nobody-2@example.test",
    ];
    for (let i = 0; i < 40; i++)
      expect((await attempt(emails[i % 10], `wrong guess ${i}`, "198.51.100.3")).status).toBe(400);
    const neighbour = await makeUser("customer");
    const response = await attempt(`${neighbour.username}@example.test`, TEST_PASSWORD, "198.51.100.3");
    expect(response.status).toBe(302);
    expect(sessionCookieOf(response)).not.toBeNull();
  });

  it("counts an IPv6 client by its /64, so new addresses from the same network do not reset the pair's count", async () => {
    const owner = await makeUser("member");
    const email = `${owner.username}@example.test`;
    // Five guesses, each from another address of one /64 (any subscriber can pick from 2^64 of them).
    for (let i = 1; i <= 5; i++)
      expect((await attempt(email, `wrong guess ${i}`, `2001:db8:7:1::${i.toString(16)}`)).status).toBe(400);
    expect((await attempt(email, "wrong guess 6", "2001:0db8:0007:0001:ffff:0:0:9")).status).toBe(429);
    // The owner on another network gets in.
    const response = await attempt(email, TEST_PASSWORD, "2001:db8:8::1");
    expect(response.status).toBe(302);
  });

  it("refuses an address and account pair after five failures, with Retry-After, and only that pair", async () => {
    const owner = await makeUser("member");
    const email = `${owner.username}@example.test`;
    for (let i = 0; i < 5; i++) expect((await attempt(email, `wrong guess ${i}`, "198.51.100.4")).status).toBe(400);
    const sixth = await attempt(email, "wrong guess 6", "198.51.100.4");
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await sixth.text()).toContain("Too many attempts. Try again in");
    const rightFromThere = await attempt(email, TEST_PASSWORD, "198.51.100.4");
    expect(rightFromThere.status).toBe(429);
    expect(sessionCookieOf(rightFromThere)).toBeNull();

    const elsewhere = await attempt(email, TEST_PASSWORD, "198.51.100.5");
    expect(elsewhere.status).toBe(302);
    expect(sessionCookieOf(elsewhere)).not.toBeNull();
  });

  it("clears the pair's count when the right password follows", async () => {
    const owner = await makeUser("member");
    const email = `${owner.username}@example.test`;
    for (let i = 0; i < 4; i++) expect((await attempt(email, `typo ${i}`, "198.51.100.6")).status).toBe(400);
    expect((await attempt(email, TEST_PASSWORD, "198.51.100.6")).status).toBe(302);
    for (let i = 0; i < 5; i++) expect((await attempt(email, `typo again ${i}`, "198.51.100.6")).status).toBe(400);
  });
});
