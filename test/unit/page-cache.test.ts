import { describe, expect, it } from "vitest";
import { cachedPage, pageCacheGeneration, pageCacheSize, storePage } from "~/lib/page-cache.server";

const page = (length: number, mark: string) => `<html nonce="n1">${mark}${"x".repeat(length)}</html>`;

describe("the visitors' page cache", () => {
  it("holds a bounded amount of page text, dropping the oldest pages first, and never one huge page", () => {
    const headers = new Headers({ "content-type": "text/html" });
    for (let i = 0; i < 40; i++) storePage(`/questions/${i}`, page(2_000_000, `page ${i}`), "n1", headers, pageCacheGeneration());
    const { entries, length } = pageCacheSize();
    expect(length).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(entries).toBeGreaterThan(0);
    expect(entries).toBeLessThan(40);
    expect(cachedPage("/questions/39", "n2")?.body).toContain("page 39");
    expect(cachedPage("/questions/0", "n2")).toBeNull();

    storePage("/questions/huge", page(5_000_000, "huge"), "n1", headers, pageCacheGeneration());
    expect(cachedPage("/questions/huge", "n2")).toBeNull();
  });
});
