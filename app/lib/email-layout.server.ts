/**
 * The one layout of every notification and digest email: an HTML part and a plain-text part that
 * say the same thing. Post bodies come in as the sanitized HTML the page shows (and their Markdown
 * as the text); everything else is text, escaped here. Styles are inline: mail clients drop
 * stylesheets.
 */
import sanitizeHtml from "sanitize-html";
import { SITE_NAME } from "./site";
import { escapeXml } from "./xml.server";

/** One item of an email: a heading line, then the post (sanitized HTML and its text) or a message. */
export type EmailItem = {
  heading: string;
  /** Sanitized HTML (a post's stored body_html); omitted when the item is text only. */
  bodyHtml?: string;
  bodyText: string;
  link: { url: string; label: string };
};

export type EmailContent = {
  username: string;
  intro: string;
  items: EmailItem[];
  /** Why the person got this email, in whole sentences ("You are watching the tag wifi."). */
  reason: string;
  unsubscribe: { url: string; label: string };
  /** Said when the email can be answered by replying to it. */
  replyHint?: string;
};

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/**
 * The plain-text part of a post: its sanitized HTML with the tags taken out (blocks on lines of
 * their own, a link's address after its text), so the text says what the page says, no more.
 */
export function htmlToText(html: string) {
  const blocks = html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gis, (_, href: string, label: string) =>
      label.includes(href) ? label : `${label} (${href})`,
    )
    .replace(/<(br|hr)\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|h[1-6]|li|pre|blockquote|tr|table|ul|ol)>/gi, "\n\n")
    .replace(/<li[^>]*>/gi, "- ");
  return sanitizeHtml(blocks, { allowedTags: [], allowedAttributes: {} })
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name])
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const MUTED = "color: #52606d; font-size: 0.9em";

function itemHtml(item: EmailItem) {
  const body = item.bodyHtml ?? `<p>${escapeXml(item.bodyText).replace(/\n/g, "<br>")}</p>`;
  return `<div style="margin: 1.5em 0; padding-left: 1em; border-left: 3px solid #e4e7eb">
<p style="margin: 0 0 0.5em; font-weight: bold">${escapeXml(item.heading)}</p>
${body}
<p style="margin: 0.5em 0 0"><a href="${escapeXml(item.link.url)}" style="color: #b45309">${escapeXml(item.link.label)}</a></p>
</div>`;
}

export function composeEmail(content: EmailContent): { html: string; text: string } {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(SITE_NAME)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1f2933; max-width: 40em">
${content.replyHint ? `<p style="${MUTED}">${escapeXml(content.replyHint).replace(/\n/g, "<br>")}</p>` : ""}
<p>Hello ${escapeXml(content.username)},</p>
<p>${escapeXml(content.intro)}</p>
${content.items.map(itemHtml).join("\n")}
<hr style="border: 0; border-top: 1px solid #e4e7eb">
<p style="${MUTED}">${escapeXml(content.reason)}<br>${escapeXml(SITE_NAME)} ·
<a href="${escapeXml(content.unsubscribe.url)}" style="color: #52606d">${escapeXml(content.unsubscribe.label)}</a></p>
</body></html>`;
  const text = [
    ...(content.replyHint ? [content.replyHint, ""] : []),
    `Hello ${content.username},`,
    "",
    content.intro,
    ...content.items.flatMap((item) => [
      "",
      `## ${item.heading}`,
      "",
      item.bodyText,
      "",
      `${item.link.label}: ${item.link.url}`,
    ]),
    "",
    "--",
    content.reason,
    SITE_NAME,
    `${content.unsubscribe.label}: ${content.unsubscribe.url}`,
  ].join("\n");
  return { html, text };
}
