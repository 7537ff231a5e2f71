/** A post's body as a form field: checked as text, then rendered, within what its author may post. */
import { checkedBy } from "~/lib/forms.server";
import type { Member } from "~/lib/permissions.server";
import { ensureLinksAllowed } from "~/models/trust/content.server";
import { renderPostBody } from "./mentions.server";
import { bodySchema } from "./post-input";

/**
 * A post body's sanitized HTML, as `author` may post it: throws the renderer's refusal (nested too
 * deeply) or the trust level's (links from a new member) as a ValidationError on `body`.
 */
export async function renderBodyFor(author: Member, markdown: string) {
  const html = await renderPostBody(markdown);
  ensureLinksAllowed(author, html);
  return html;
}

/** The body field's schema for `author`: its Markdown and HTML, or `renderBodyFor`'s refusal as the field's problem. */
export const renderedBodySchema = (author: Member) =>
  bodySchema.transform(
    checkedBy(async (markdown: string) => ({ markdown, html: await renderBodyFor(author, markdown) })),
  );
