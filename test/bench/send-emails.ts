// For npm run bench (the mail job's throughput): sends every due email of the outbox (DATABASE_URL, else DATABASE_PATH),
// batch after batch as the `send-emails` job claims them, and prints one JSON line: how many were
// sent, failed or skipped, and the seconds the sending took (process start-up left out).
import { closeDatabase } from "~/lib/db.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import { sendPendingEmails } from "~/models/notifications/outbox.server";

exitOnInvalidConfiguration();
const totals = { sent: 0, failed: 0, skipped: 0, batches: 0 };
const started = performance.now();
for (;;) {
  const { sent, failed, skipped } = await sendPendingEmails();
  if (sent + failed + skipped === 0) break;
  totals.sent += sent;
  totals.failed += failed;
  totals.skipped += skipped;
  totals.batches += 1;
}
const seconds = (performance.now() - started) / 1000;
await closeDatabase();
console.log(JSON.stringify({ ...totals, seconds }));
