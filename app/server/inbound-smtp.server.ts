/**
 * The SMTP listener for replies by email (an MX-style endpoint, started when INBOUND_SMTP_PORT is
 * set): no AUTH, no STARTTLS, recipients that are not a signed reply address refused at RCPT (550),
 * the size limit advertised (SIZE) and enforced (552), and each message answered 250 only once
 * `receiveEmail` has committed it, or 451 when it should be sent again later. The protocol is
 * smtp-server's; this file only decides.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import { env } from "~/lib/env.server";
import { log } from "~/lib/log.server";
import { MAX_INBOUND_BYTES, receiveEmail } from "~/models/notifications/inbound.server";
import { readReplyAddress } from "~/models/notifications/reply-address.server";

type SmtpError = Error & { responseCode?: number };

const smtpError = (responseCode: number, message: string): SmtpError =>
  Object.assign(new Error(message), { responseCode });

/** The message's bytes, up to the limit (smtp-server counts the rest and flags `sizeExceeded`). */
function readBounded(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      if (size + chunk.length <= MAX_INBOUND_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

export type InboundSmtp = { port: number; close(): Promise<void> };

/** Starts the listener on `port` (0: any free one) and `host`; resolves once it listens. */
export async function startInboundSmtp({
  port = env("INBOUND_SMTP_PORT") ?? 0,
  host = env("INBOUND_SMTP_HOST"),
}: { port?: number; host?: string } = {}): Promise<InboundSmtp> {
  const server = new SMTPServer({
    name: "hearth-inbound",
    banner: "Hearth takes replies to its notifications here",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: MAX_INBOUND_BYTES,
    logger: false,
    // On shutdown, a message being received gets this long to finish (server.mjs exits after 5 s).
    closeTimeout: 4_000,
    onRcptTo(address, _session, callback) {
      readReplyAddress(address.address).then(
        (reply) => callback(reply ? null : smtpError(550, "5.1.1 No such reply address here")),
        (error: unknown) => {
          log.error("inbound SMTP could not check a recipient", { error });
          callback(smtpError(451, "4.3.0 Try again later"));
        },
      );
    },
    onData(stream, session, callback) {
      readBounded(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded) {
            log.warn("inbound email refused", { reason: "over the SMTP size limit", bytes: MAX_INBOUND_BYTES });
            return callback(smtpError(552, `5.3.4 Message exceeds the limit of ${MAX_INBOUND_BYTES} bytes`));
          }
          const mailFrom = session.envelope.mailFrom;
          const result = await receiveEmail(raw, {
            recipients: session.envelope.rcptTo.map((recipient) => recipient.address),
            returnPath: mailFrom ? mailFrom.address : "",
          });
          if (result.outcome === "unparseable")
            return callback(smtpError(554, `5.6.0 Unreadable message: ${result.reason}`));
          callback(null, `Message ${result.outcome}`);
        })
        .catch((error: unknown) => {
          log.error("inbound SMTP message not taken; the sender will try again", { error });
          callback(smtpError(451, "4.3.0 Temporary failure, try again later"));
        });
    },
  });
  server.on("error", (error) => log.error("inbound SMTP error", { error }));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const listening = (server.server.address() as AddressInfo).port;
  log.info("receiving replies by SMTP", { host, port: listening });
  return { port: listening, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
