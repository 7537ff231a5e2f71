// Adds up the vitest and Playwright JSON reports into the one line CI reads: "N passed, N failed".
import fs from "node:fs";

const read = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : null);
const vitest = read("test/.reports/vitest.json");
const playwright = read("test/.reports/e2e.json");

let passed = 0;
let failed = 0;
let skipped = 0;
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests + (vitest.numRuntimeErrorTestSuites ?? 0);
  skipped += vitest.numPendingTests + vitest.numTodoTests;
} else failed += 1;
if (playwright) {
  passed += playwright.stats.expected;
  failed += playwright.stats.unexpected + playwright.stats.flaky + (playwright.errors?.length ?? 0);
  skipped += playwright.stats.skipped;
} else failed += 1;
console.log(
  `unit+integration: ${vitest ? `${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed` : "no report"}; browser: ${playwright ? `${playwright.stats.expected} passed, ${playwright.stats.unexpected} failed` : "no report"}`,
);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
