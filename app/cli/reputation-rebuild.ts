// npm run reputation:rebuild
// Sets every person's reputation total to the sum of their counted reputation events, on the
// database DATABASE_URL (or DATABASE_PATH) names, and says how many totals it changed. Run twice,
// it changes nothing the second time. Safe beside a running server: it is one write like any other.
import { closeDatabase } from "~/lib/db.server";
import { migrateAndRebuild } from "~/server/prepare.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import { rebuildReputation } from "~/models/reputation/ledger.server";
import { subscribeEveryDomain } from "~/models/subscriptions.server";

exitOnInvalidConfiguration();
subscribeEveryDomain();
await migrateAndRebuild();
const { changed } = await rebuildReputation(new Date());
await closeDatabase();
console.log(
  changed === 0
    ? "Every reputation total already matches its events: nothing changed."
    : `Rebuilt reputation: ${changed} ${changed === 1 ? "total" : "totals"} changed to match their events.`,
);
