// Adds up the vitest (SQLite and PostgreSQL) and Playwright JSON reports into the one line CI reads:
// "N passed, N failed".
import fs from "node:fs";

const read = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null);
const vitestRuns = { sqlite: read("test/.reports/vitest.json"), postgres: read("test/.reports/vitest-postgres.json") };
const playwright = read("test/.reports/e2e.json");

let passed = 0;
let failed = 0;
let skipped = 0;
for (const vitest of Object.values(vitestRuns)) {
  if (!vitest) {
    failed += 1;
    continue;
  }
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests + (vitest.numRuntimeErrorTestSuites ?? 0);
  skipped += vitest.numPendingTests + vitest.numTodoTests;
}
if (playwright) {
  passed += playwright.stats.expected;
  failed += playwright.stats.unexpected + playwright.stats.flaky + (playwright.errors?.length ?? 0);
  skipped += playwright.stats.skipped;
} else failed += 1;
const vitestLine = (vitest) =>
  vitest ? `${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed` : "no report";
console.log(
  `unit+integration on SQLite: ${vitestLine(vitestRuns.sqlite)}; on PostgreSQL: ${vitestLine(vitestRuns.postgres)}; browser: ${playwright ? `${playwright.stats.expected} passed, ${playwright.stats.unexpected} failed` : "no report"}`,
);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
