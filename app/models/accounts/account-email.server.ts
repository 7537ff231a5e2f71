/**
 * The shape of every email about one's account (a link to confirm, a sign-up attempt on a known
 * address, a changed address): a greeting, a few paragraphs, at most one button with its link also
 * written out, and a closing note, in HTML and plain text. Sent straight after the commit that
 * decided it, never through the notification outbox (nobody may opt out of these); a failure is
 * logged, and the person can ask again.
 */
import { log } from "~/lib/log.server";
import { deliverEmail } from "~/lib/mail.server";
import { SITE_NAME } from "~/lib/site";
import { escapeXml } from "~/lib/xml.server";

export type AccountEmail = {
  to: string;
  subject: string;
  username: string;
  paragraphs: string[];
  button?: { label: string; link: string };
  closing: string;
};

export function accountEmailContent({ subject, username, paragraphs, button, closing }: AccountEmail) {
  const text = [
    `Hello ${username},`,
    "",
    ...paragraphs.flatMap((paragraph) => [paragraph, ""]),
    ...(button ? [button.link, ""] : []),
    closing,
    "",
    "--",
    SITE_NAME,
  ].join("\n");
  const buttonHtml = button
    ? `<p><a href="${escapeXml(button.link)}" style="display: inline-block; padding: 0.6em 1.2em; background: #b45309; color: #ffffff; text-decoration: none; border-radius: 4px">${escapeXml(button.label)}</a></p>
<p>Or copy this address into your browser:<br>${escapeXml(button.link)}</p>
`
    : "";
  const html = `<!doctype html>
<html lang="en"><body style="font-family: sans-serif; line-height: 1.5; color: #1f2933">
<p>Hello ${escapeXml(username)},</p>
${paragraphs.map((paragraph) => `<p>${escapeXml(paragraph)}</p>`).join("\n")}
${buttonHtml}<p style="color: #52606d">${escapeXml(closing)}</p>
</body></html>`;
  return { subject, text, html };
}

/** Sends an account email after the commit that decided it, without waiting; a failure is logged. */
export function sendAccountEmail(email: AccountEmail, context: Record<string, unknown>) {
  void deliverEmail({ to: email.to, headers: {}, ...accountEmailContent(email) }).catch((error: unknown) => {
    log.error(`account email not sent: ${email.subject}`, { ...context, error });
  });
}

/** An address shown to someone who may not own it: its first letter and its domain (n***@example.com). */
export function maskedAddress(email: string) {
  const at = email.lastIndexOf("@");
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
