/**
 * The new text of a reply by email: what the person wrote, without the email they replied to or
 * their signature. Quoting and signatures are found by email-reply-parser (a port of GitHub's
 * EmailReplyParser: "On … wrote:" in a dozen languages, `>` quoting, Outlook's "-----Original
 * Message-----" and "From: … Sent: …" blocks, "-- " signatures, "Sent from my iPhone"); Hearth's own
 * marker line is cut first, with everything under it. Pure and bounded: linear in the text.
 */
import EmailReplyParser from "email-reply-parser";
import { NOT_TEXT } from "~/lib/text";

/** A line Hearth's emails may carry above the quoted part: everything from it down is not the reply. */
export const REPLY_ABOVE_THIS_LINE = "## Write your reply above this line ##";

// A reply is at most a post (32,000 characters) above the quoted email: the rest is never kept.
const MAX_TEXT = 100_000;
// The parser's "On … wrote:" patterns take quadratic time on one long line: only a line's start
// is shown to it (a quote mark or a header starts a line), the rest put back afterwards.
const LINE_SHOWN = 200;
// NUL never survives NOT_TEXT (the controls forms drop too), so it can mark where a line's rest was taken out.
// eslint-disable-next-line no-control-regex
const HIDDEN = /\u0000(\d+)\u0000/g;

/** The reply's own text from a plain-text email body; empty when nothing of its own is left. */
export function replyText(body: string): string {
  let text = body.slice(0, MAX_TEXT).replace(/\r\n?/g, "\n").replace(NOT_TEXT, "");
  const marker = text.indexOf(REPLY_ABOVE_THIS_LINE);
  if (marker !== -1) text = text.slice(0, text.lastIndexOf("\n", marker) + 1);
  const hidden: string[] = [];
  const shown = text
    .split("\n")
    .map((line) =>
      line.length <= LINE_SHOWN
        ? line
        : `${line.slice(0, LINE_SHOWN)}\u0000${hidden.push(line.slice(LINE_SHOWN)) - 1}\u0000`,
    )
    .join("\n");
  const visible = new EmailReplyParser()
    .read(shown)
    .getVisibleText()
    .replace(HIDDEN, (_, index: string) => hidden[Number(index)]);
  return visible
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
