#!/usr/bin/env bash
# npm test: builds the app, then runs the unit/integration suite (vitest) on SQLite and again on
# PostgreSQL (a throwaway server, db/pg-cluster.sh), and the browser suite (Playwright on Debian's
# Chromium, on SQLite), and ends with one line "N passed, N failed" for the whole run.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian's Chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1
  else
    echo "The browser tests need Chromium. Install it (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

# The PostgreSQL tests get a throwaway server of their own (installed first when missing, as root).
pg_started=$(bash db/pg-cluster.sh start) || exit 1
pg_folder=$(sed -n 's/^folder=//p' <<<"$pg_started")
PG_TEST_URL=$(sed -n 's/^url=//p' <<<"$pg_started")
export PG_TEST_URL
trap 'bash db/pg-cluster.sh stop "$pg_folder"' EXIT

npm run build || exit 1
rm -rf test/.reports && mkdir -p test/.reports
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=test/.reports/vitest.json
vitest_status=$?
echo "The unit and integration suites again, on PostgreSQL…"
TEST_ENGINE=postgres node_modules/.bin/vitest run --reporter=default --reporter=json \
  --outputFile.json=test/.reports/vitest-postgres.json
vitest_postgres_status=$?
node_modules/.bin/playwright test
playwright_status=$?
node test/summarize-reports.mjs
[ "$vitest_status" -eq 0 ] && [ "$vitest_postgres_status" -eq 0 ] && [ "$playwright_status" -eq 0 ]
