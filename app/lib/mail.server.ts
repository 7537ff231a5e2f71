/**
 * Sends one email: through SMTP when `SMTP_URL` is set (e.g. smtp://user:pass@mail.example.com:587),
 * otherwise writes it as an .eml file under MAIL_DIR (./data/mail), so a new installation can read
 * what it would have sent without a mail server. Emails carry sign-in and unsubscribe links, so
 * the folder is created owner-only (0700) and each file 0600.
 */
import { AsyncLocalStorage } from "node:async_hooks";
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
const sharedConnection = new AsyncLocalStorage<Transporter>();

/**
 * Runs `work` with every email it sends going over at most `connections` SMTP connections, opened
 * as needed and closed when `work` ends (as is, without SMTP_URL). For a batch: a new connection
 * per email costs the mail server's greeting delay each time (100 ms for smtp-server's, seconds for
 * some MTAs).
 */
export async function withSmtpConnections<T>(connections: number, work: () => Promise<T>): Promise<T> {
  const smtpUrl = env("SMTP_URL");
  if (!smtpUrl) return work();
  const pooled = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: connections });
  try {
    return await sharedConnection.run(pooled, work);
  } finally {
    pooled.close();
  }
}

function currentTransport() {
  const shared = sharedConnection.getStore();
  if (shared) return shared;
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
