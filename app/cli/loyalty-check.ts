// npm run loyalty:check: proves every stored loyalty balance equals the sum of its person's point
// rows (and their earnings the sum of their earning rows). Prints each mismatch and exits 1 if any.
import { closeDatabase } from "~/lib/db.server";
import { migrateAndRebuild } from "~/server/prepare.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import { checkLoyaltyBalances } from "~/models/rewards/points.server";

exitOnInvalidConfiguration();

await migrateAndRebuild();
const mismatches = await checkLoyaltyBalances();
await closeDatabase();
for (const row of mismatches) {
  console.error(
    `user ${row.userId}: balance ${row.balance ?? "missing"} (rows say ${row.rowsBalance}), earned ${row.earned ?? "missing"} (rows say ${row.rowsEarned})`,
  );
}
console.log(mismatches.length === 0 ? "every loyalty balance equals its rows" : `${mismatches.length} mismatch(es)`);
if (mismatches.length > 0) process.exitCode = 1;
