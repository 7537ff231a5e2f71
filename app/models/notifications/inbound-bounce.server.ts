/**
 * The email that tells someone their reply was not posted, and why, in plain words. It is marked
 * `Auto-Submitted: auto-replied` (RFC 3834), so well-behaved auto-responders do not answer it, and
 * Hearth drops anything marked so: two robots cannot write to each other forever.
 */
import { log } from "~/lib/log.server";
import { deliverEmail } from "~/lib/mail.server";
import { SITE_NAME } from "~/lib/site";
import { cutToLength } from "~/lib/text";

const QUOTED_LINES = 12;
const QUOTED_CHARACTERS = 1200;

export type Bounce = { to: string; reason: string; subject: string; messageId: string; text: string };

/** The first lines of what they wrote, quoted, so they can find and keep it. */
function beginning(text: string) {
  const lines = cutToLength(text, QUOTED_CHARACTERS).split("\n").slice(0, QUOTED_LINES);
  const cut = lines.join("\n").length < text.length;
  return [...lines.map((line) => `> ${line}`), ...(cut ? ["> …"] : [])].join("\n");
}

/** Sends the refusal; a failure is logged, not thrown (the refusal is already recorded). */
export async function sendBounce(bounce: Bounce) {
  const text = [
    "Hello,",
    "",
    `Your email to ${SITE_NAME} was not posted.`,
    "",
    bounce.reason,
    ...(bounce.text ? ["", "Your reply began:", "", beginning(bounce.text)] : []),
    "",
    `This message was sent automatically by ${SITE_NAME}; replies to it are not read.`,
  ].join("\n");
  try {
    await deliverEmail({
      to: bounce.to,
      subject: `Not posted: ${bounce.subject || "your reply"}`,
      text,
      headers: {
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "In-Reply-To": bounce.messageId,
        References: bounce.messageId,
      },
    });
  } catch (error) {
    log.error("bounce for a reply by email not sent", { to: bounce.to, messageId: bounce.messageId, error });
  }
}
