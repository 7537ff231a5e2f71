// The XML helpers: any text comes out as XML 1.0 can hold it, and an Atom document has its required parts.
import { describe, expect, it } from "vitest";
import { atomFeed, escapeXml, rfc3339 } from "~/lib/xml.server";
import { plainTextSummary } from "~/lib/markdown.server";

describe("escapeXml", () => {
  it("escapes the five special characters", () => {
    expect(escapeXml(`<a href="x">Tom's & co</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom&apos;s &amp; co&lt;/a&gt;");
  });

  it("drops characters XML cannot hold and keeps every other one", () => {
    expect(escapeXml("a\u0000b\u0007c\u000bd\ud800e\udc00f\ufffeg\uffffh")).toBe("abcdefgh");
    expect(escapeXml("tab\tline\ncr\r Ω 💡 \u202e")).toBe("tab\tline\ncr\r Ω 💡 \u202e");
  });
});

describe("atomFeed", () => {
  it("writes the feed's and each entry's required elements, times in RFC 3339", () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    expect(rfc3339(at)).toBe("2026-01-02T03:04:05Z");
    const xml = atomFeed({
      id: "https://x.test/feed.xml",
      title: "A & B",
      link: "https://x.test/",
      self: "https://x.test/feed.xml?a=1&b=2",
      updated: at,
      entries: [{ id: "https://x.test/q/1", title: "<t>", link: "https://x.test/q/1/t", updated: at, author: "amara" }],
    });
    expect(xml).toContain(`<link rel="self" href="https://x.test/feed.xml?a=1&amp;b=2"/>`);
    expect(xml).toContain("<title>A &amp; B</title>");
    expect(xml).toContain("<title>&lt;t&gt;</title>");
    expect(xml).toContain("<author><name>amara</name></author>");
    expect(xml).toContain("<updated>2026-01-02T03:04:05Z</updated>");
  });
});

describe("plainTextSummary", () => {
  it("keeps short text whole and cuts long text on a character, not inside an emoji", () => {
    expect(plainTextSummary("<p>Hello <strong>there</strong></p>\n<p>again</p>")).toBe("Hello there again");
    const cut = plainTextSummary(`<p>${"💡".repeat(400)}</p>`, 10);
    expect(Array.from(cut)).toHaveLength(10);
    expect(cut).not.toMatch(/[\ud800-\udfff]/u);
    expect(cut.endsWith("…")).toBe(true);
  });
});
