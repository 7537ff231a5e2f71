import { afterEach, describe, expect, it, vi } from "vitest";
import {
  cachedPage,
  invalidatePageCache,
  invalidateThreadPages,
  pageCacheRenderStart,
  PAGE_CACHE_TTL_MS,
  pageCacheSize,
  storePage,
} from "~/lib/page-cache.server";

const page = (length: number, mark: string) => `<html nonce="n1">${mark}${"x".repeat(length)}</html>`;

describe("the visitors' page cache", () => {
  it("holds a bounded amount of page text, dropping the oldest pages first, and never one huge page", () => {
    const headers = new Headers({ "content-type": "text/html" });
    for (let i = 0; i < 40; i++)
      storePage(`/questions/${i}`, page(2_000_000, `page ${i}`), "n1", headers, pageCacheRenderStart(), null);
    const { entries, length } = pageCacheSize();
    expect(length).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(entries).toBeGreaterThan(0);
    expect(entries).toBeLessThan(40);
    expect(cachedPage("/questions/39", "n2")?.body).toContain("page 39");
    expect(cachedPage("/questions/0", "n2")).toBeNull();

    storePage("/questions/huge", page(5_000_000, "huge"), "n1", headers, pageCacheRenderStart(), null);
    expect(cachedPage("/questions/huge", "n2")).toBeNull();
  });

  it("still refuses a render older than a write to its thread after forgetting which threads were written", () => {
    const headers = new Headers({ "content-type": "text/html" });
    invalidatePageCache();
    const renderStarted = pageCacheRenderStart();
    invalidateThreadPages([1]);
    // Ten thousand other threads written since: the cache no longer remembers thread 1's write.
    for (let thread = 2; thread <= 10_002; thread++) invalidateThreadPages([thread]);
    storePage("/questions/1/a", page(10, "thread 1"), "n1", headers, renderStarted, [1]);
    expect(cachedPage("/questions/1/a", "n2")).toBeNull();
    storePage("/questions/1/a", page(10, "thread 1"), "n1", headers, pageCacheRenderStart(), [1]);
    expect(cachedPage("/questions/1/a", "n2")?.body).toContain("thread 1");
  });

  describe("a page's age", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("counts from when its request started, so a slow render is not served past the TTL of its data", () => {
      vi.useFakeTimers();
      const headers = new Headers({ "content-type": "text/html" });
      const renderStart = pageCacheRenderStart();
      // Another process commits a write while this render, which read before it, takes half a second.
      vi.advanceTimersByTime(500);
      storePage("/questions/7/slow", page(10, "thread 7"), "n1", headers, renderStart, [7]);
      vi.advanceTimersByTime(PAGE_CACHE_TTL_MS - 500);
      expect(cachedPage("/questions/7/slow", "n2")?.body).toContain("thread 7");
      vi.advanceTimersByTime(1);
      expect(cachedPage("/questions/7/slow", "n2")).toBeNull();
    });
  });
});
