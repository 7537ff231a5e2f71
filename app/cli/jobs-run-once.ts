// npm run jobs:run-once -- --now 2026-11-24T09:00:00Z
// Runs every due background job once, as if the clock said --now (default: the real time), on the
// database DATABASE_PATH names. Safe to run twice or beside a running server: nothing opens twice.
import { parseArgs } from "node:util";
import { setClock } from "~/lib/clock.server";
import { closeDatabase } from "~/lib/db.server";
import { migrateAndRebuild } from "~/server/prepare.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import { runAllJobsOnce } from "~/server/jobs.server";
import { subscribeEveryDomain } from "~/models/subscriptions.server";

exitOnInvalidConfiguration();

const { values } = parseArgs({ options: { now: { type: "string" } } });
const at = values.now ? new Date(values.now) : new Date();
if (Number.isNaN(at.getTime())) {
  console.error(`--now must be an ISO time, e.g. 2026-11-24T09:00:00Z (got "${values.now}")`);
  process.exit(2);
}
setClock(at);
subscribeEveryDomain();
await migrateAndRebuild();
const results = await runAllJobsOnce(at);
await closeDatabase();
for (const [job, result] of Object.entries(results)) {
  console.log(
    `${job}: ${Object.entries(result)
      .map(([key, value]) => `${key} ${value}`)
      .join(", ")}`,
  );
}
