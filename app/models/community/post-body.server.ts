/** A post's body as a form field: checked as text, then rendered, within what its author may post. */
import { checkedBy } from "~/lib/forms.server";
import type { Member } from "~/lib/permissions.server";
import { ensureLinksAllowed } from "~/models/trust/content.server";
import { renderPostBody } from "./mentions.server";
import { bodySchema } from "./post-input";

/**
 * The body field's schema for `author`: its Markdown and sanitized HTML, or the renderer's refusal
 * (nested too deeply) or the trust level's (links from a new member) as the field's problem.
 */
export const renderedBodySchema = (author: Member) =>
  bodySchema.transform(
    checkedBy(async (markdown: string) => {
      const html = await renderPostBody(markdown);
      ensureLinksAllowed(author, html);
      return { markdown, html };
    }),
  );
