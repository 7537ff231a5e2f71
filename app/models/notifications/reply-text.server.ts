/**
 * The new text of a reply by email: what the person wrote, without the email they replied to or
 * their signature. Quoting and signatures are found by email-reply-parser (a port of GitHub's
 * EmailReplyParser: "On … wrote:" in a dozen languages, `>` quoting, Outlook's "-----Original
 * Message-----" and "From: … Sent: …" blocks, "-- " signatures, "Sent from my iPhone"); Hearth's own
 * marker line is cut first, with everything under it. Pure and bounded: linear in the text.
 */
import EmailReplyParser from "email-reply-parser";

/** A line Hearth's emails may carry above the quoted part: everything from it down is not the reply. */
export const REPLY_ABOVE_THIS_LINE = "## Write your reply above this line ##";

// Control characters other than tab and newline (NUL included) never reach a post.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** The reply's own text from a plain-text email body; empty when nothing of its own is left. */
export function replyText(body: string): string {
  let text = body.replace(/\r\n?/g, "\n").replace(CONTROL_CHARACTERS, "");
  const marker = text.indexOf(REPLY_ABOVE_THIS_LINE);
  if (marker !== -1) text = text.slice(0, text.lastIndexOf("\n", marker) + 1);
  const visible = new EmailReplyParser().read(text).getVisibleText();
  return visible
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
