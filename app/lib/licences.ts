/**
 * The licences imported posts come under, and the page each one's terms are on. The licence of a
 * Stack Exchange post ("CC BY-SA 3.0") asks that it be named with a link to its deed wherever the
 * post is shown (DECISIONS.md #81). Browser-safe: the thread page's components use it.
 */
const CREATIVE_COMMONS = /^CC (BY(?:-SA|-ND|-NC|-NC-SA|-NC-ND)?) (\d\.\d)$/i;

/** The licence deed's address, or null for a licence we do not know how to link. */
export function licenceDeedUrl(licence: string): string | null {
  const match = CREATIVE_COMMONS.exec(licence.trim());
  if (!match) return null;
  return `https://creativecommons.org/licenses/${match[1].toLowerCase()}/${match[2]}/`;
}
