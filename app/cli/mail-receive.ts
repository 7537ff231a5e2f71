// npm run mail:receive < message.eml
// For a mail server's pipe transport (Postfix: see README, Replying by email): reads one RFC 822
// message on standard input and posts it as a reply, or refuses it with a bounce. Prints one line
// and exits as sendmail's sysexits ask: 0 handled (posted, refused, ignored or already handled),
// 65 (EX_DATAERR) unreadable input, 75 (EX_TEMPFAIL) the database busy or unavailable: the mail
// server keeps the message and tries again. The envelope comes from Postfix's pipe variables when
// given: --recipient ${original_recipient} --sender ${sender}.
import { parseArgs } from "node:util";
import { closeDatabase } from "~/lib/db.server";
import { migrateAndRebuild } from "~/server/prepare.server";
import { configurationProblems } from "~/lib/env.server";
import { log } from "~/lib/log.server";
import { MAX_INBOUND_BYTES, receiveEmail } from "~/models/notifications/inbound.server";
import { subscribeEveryDomain } from "~/models/subscriptions.server";

const EX_OK = 0;
const EX_DATAERR = 65;
const EX_TEMPFAIL = 75;

// A bad setting is the operator's to fix: the mail server keeps the message meanwhile (not exit 1,
// which Postfix takes for a permanent failure and bounces).
const problems = configurationProblems();
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.log(`tempfail: ${problems[0]}`);
  process.exit(EX_TEMPFAIL);
}
const { values } = parseArgs({
  options: { recipient: { type: "string", multiple: true }, sender: { type: "string" } },
});

/** Standard input up to one byte past the limit (the rest is read and counted, so the writer never blocks). */
async function readStdin() {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    if (size <= MAX_INBOUND_BYTES) chunks.push(chunk.subarray(0, MAX_INBOUND_BYTES + 1 - size));
    size += chunk.length;
  }
  return { raw: Buffer.concat(chunks), size };
}

let exitCode = EX_OK;
try {
  const { raw, size } = await readStdin();
  subscribeEveryDomain();
  await migrateAndRebuild();
  const result = await receiveEmail(raw, { recipients: values.recipient, returnPath: values.sender, sizeBytes: size });
  const said = "reason" in result ? `: ${result.reason}` : "";
  console.log(`${result.outcome}${"messageId" in result ? ` ${result.messageId}` : ""}${said}`);
  if (result.outcome === "unparseable") exitCode = EX_DATAERR;
} catch (error) {
  // The database busy, missing or broken: the mail server keeps the message and tries again.
  log.error("mail:receive could not handle the message; the mail server will try again", { error });
  console.log(`tempfail: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = EX_TEMPFAIL;
}
try {
  await closeDatabase();
} catch {
  // Nothing was opened.
}
process.exit(exitCode);
