// npm run kb:sync: mirrors content/kb (or KB_DIR) into DATABASE_PATH. Prints what changed and every
// file it skipped (path:line: problem); exits 1 when a file was skipped, after loading the rest.
import { closeDatabase } from "~/lib/db.server";
import { migrateAndRebuild } from "~/server/prepare.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { subscribeEveryDomain } from "~/models/subscriptions.server";

exitOnInvalidConfiguration();

subscribeEveryDomain();
await migrateAndRebuild();
const report = await syncKnowledgeBase();
await closeDatabase();
const list = (slugs: string[]) => (slugs.length ? `: ${slugs.join(", ")}` : "");
console.log(`added ${report.added.length}${list(report.added)}`);
console.log(`updated ${report.updated.length}${list(report.updated)}`);
console.log(`removed ${report.removed.length}${list(report.removed)}`);
console.log(`unchanged ${report.unchanged}`);
for (const problem of report.problems) console.error(`${problem.path}:${problem.line}: ${problem.message}`);
if (report.problems.length > 0) {
  console.error(`${report.problems.length} problem(s); the files above were skipped.`);
  process.exitCode = 1;
}
