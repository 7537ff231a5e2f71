/** What a post may hold at the author's trust level: below "basic", no links or images (DECISIONS.md #77). */
import { ValidationError } from "~/lib/errors.server";
import { canPostLinksAndImages, type Member } from "~/lib/permissions.server";
import { unlockedAt } from "~/lib/trust-levels";

// An image, or a link other than an @mention's (the sanitizer keeps class="mention" on those alone).
const LINK_OR_IMAGE = /<img\b|<a\b(?![^>]*\bclass="mention")/i;

/** Refuses (400, next to the body field) a post whose rendered body links out or shows an image, below "basic". */
export function ensureLinksAllowed(author: Member, bodyHtml: string) {
  if (canPostLinksAndImages(author) || !LINK_OR_IMAGE.test(bodyHtml)) return;
  throw new ValidationError({
    body: `Links and images are not open to new members yet: remove them to post. ${unlockedAt("linksAndImages")}`,
  });
}
