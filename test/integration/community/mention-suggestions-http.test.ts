// Username suggestions for @mentions over real HTTP against the built app: signed-in people only,
// JSON (valid UTF-8) for every answer, a 400 and never a 500 for bad input, 429 past the limit.
import { beforeEach, describe, expect, it } from "vitest";
import { LIMITS, resetAllLimits } from "~/lib/rate-limit.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({ customer: "customer@example.com" });
beforeEach(() => resetAllLimits());

async function suggest(query: string, cookie?: string) {
  const response = await client.get(`/api/users/suggest${query}`, { cookie });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return { response, status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

describe("GET /api/users/suggest", () => {
  it("refuses a visitor with a JSON error", async () => {
    const { status, body } = await suggest("?q=ca");
    expect(status).toBe(403);
    expect(body).toEqual({ error: "Sign in to see username suggestions." });
  });

  it("suggests usernames that start with the prefix, whatever its case", async () => {
    expect((await suggest("?q=ca", cookies.customer)).body).toEqual({ usernames: ["casey"] });
    expect((await suggest("?q=SAM", cookies.customer)).body).toEqual({ usernames: ["sam-support"] });
    expect((await suggest("?q=support", cookies.customer)).body).toEqual({
      usernames: ["priya-support", "sam-support"],
    });
    expect((await suggest("?q=zzzz", cookies.customer)).body).toEqual({ usernames: [] });
  });

  it("keeps the answer private to the person who asked", async () => {
    const { response } = await suggest("?q=ca", cookies.customer);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it.each([
    ["no prefix", ""],
    ["an empty prefix", "?q="],
    ["a prefix of 31 characters", `?q=${"a".repeat(31)}`],
    ["a space", "?q=ca%20sey"],
    ["an @", "?q=%40ca"],
    ["a SQL wildcard", "?q=ca%25"],
    ["a NUL character", "?q=ca%00"],
    ["an emoji", "?q=%F0%9F%92%A1"],
    ["a broken percent-escape", "?q=%E0%A4%A"],
    ["a lone surrogate, escaped", "?q=%ED%A0%80"],
  ])("answers %s with a 400 and the reason as JSON", async (_, query) => {
    const { status, body } = await suggest(query, cookies.customer);
    expect(status).toBe(400);
    expect(body.error).toEqual(expect.any(String));
    expect(body.fieldErrors).toEqual({ q: expect.any(String) });
  });

  it("answers 429 with Retry-After past the limit", async () => {
    for (let i = 0; i < LIMITS.usernameSuggestions.max; i += 1) {
      expect((await suggest("?q=ca", cookies.customer)).status).toBe(200);
    }
    const { response, status, body } = await suggest("?q=ca", cookies.customer);
    expect(status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(body.error).toMatch(/Too many attempts/);
  });
});
