/**
 * Helpers for the XML documents the site serves (feeds, sitemap).
 * Whatever text goes in comes out as well-formed XML 1.0: the five special characters escaped, and
 * characters XML cannot hold at all (NUL and other C0 controls, lone surrogates, U+FFFE/U+FFFF) dropped.
 */
const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
// eslint-disable-next-line no-control-regex -- matching the characters XML forbids is the point
const NOT_XML_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/gu;

export const escapeXml = (text: string) =>
  text.replace(NOT_XML_CHARS, "").replace(/[&<>"']/g, (char) => XML_ESCAPES[char]);

/** A time as RFC 3339, as Atom wants it. */
export const rfc3339 = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, "Z");

export type AtomEntry = {
  /** A stable URL: the entry's identity for feed readers. */
  id: string;
  title: string;
  link: string;
  updated: Date;
  author: string;
  categories?: string[];
  summary?: string;
};

export type AtomFeed = { id: string; title: string; link: string; self: string; updated: Date; entries: AtomEntry[] };

/** An Atom 1.0 document (RFC 4287); every text is escaped here. */
export function atomFeed(feed: AtomFeed): string {
  const entries = feed.entries.map(
    (entry) => `  <entry>
    <id>${escapeXml(entry.id)}</id>
    <title>${escapeXml(entry.title)}</title>
    <link href="${escapeXml(entry.link)}"/>
    <updated>${rfc3339(entry.updated)}</updated>
    <author><name>${escapeXml(entry.author)}</name></author>
${(entry.categories ?? []).map((term) => `    <category term="${escapeXml(term)}"/>\n`).join("")}${
      entry.summary ? `    <summary>${escapeXml(entry.summary)}</summary>\n` : ""
    }  </entry>
`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(feed.id)}</id>
  <title>${escapeXml(feed.title)}</title>
  <link href="${escapeXml(feed.link)}"/>
  <link rel="self" href="${escapeXml(feed.self)}"/>
  <updated>${rfc3339(feed.updated)}</updated>
${entries.join("")}</feed>
`;
}

/** The answer for a feed: every reader gets the same document, so shared caches may keep it a while. */
export function atomResponse(document: string) {
  return new Response(document, {
    headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });
}
