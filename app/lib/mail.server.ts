/**
 * Sends one email: through SMTP when `SMTP_URL` is set (e.g. smtp://user:pass@mail.example.com:587),
 * otherwise writes it as an .eml file under MAIL_DIR (./data/mail), so a new installation can read
 * what it would have sent without a mail server. Emails carry sign-in and unsubscribe links, so
 * the folder is created owner-only (0700) and each file 0600.
 */
import fs from "node:fs";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { env, mailDirectory } from "./env.server";

export type OutgoingEmail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  headers: Record<string, string>;
};

let transport: Transporter | null = null;

function currentTransport() {
  const smtpUrl = env("SMTP_URL");
  transport ??= smtpUrl
    ? nodemailer.createTransport(smtpUrl)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return transport;
}

/** Sends `email`; returns where it went (the .eml path, or the SMTP message id). */
export async function deliverEmail(email: OutgoingEmail): Promise<string> {
  const info = await currentTransport().sendMail({
    from: env("MAIL_FROM"),
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    replyTo: email.replyTo,
    headers: email.headers,
  });
  if (env("SMTP_URL")) return String(info.messageId);
  const directory = mailDirectory();
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = path.join(
    directory,
    `${new Date().toISOString().replace(/[:.]/g, "-")}-${String(info.messageId)
      .replace(/[^a-z0-9]/gi, "")
      .slice(0, 24)}.eml`,
  );
  fs.writeFileSync(file, info.message as Buffer, { mode: 0o600 });
  return file;
}
