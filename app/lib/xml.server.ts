/** Helpers for the XML documents the site serves (feed, sitemap). */
const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]);

/** The site's origin as the request reached it (behind a proxy, TRUST_PROXY makes this the public one). */
export const siteOrigin = (request: Request) => new URL(request.url).origin;
