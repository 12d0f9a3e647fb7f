#!/usr/bin/env bash
# Runs every test: vitest (unit + integration on real chDB, PGlite and, when
# TEST_DATABASE_URL is set, PostgreSQL) and Playwright (built dashboard in Chromium).
# Ends with one plain "N passed, N failed" line totalled over both runners.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-reports test-results
rm -f .test-reports/*.json

if [ -z "${TEST_DATABASE_URL:-}" ] && [ -f test/ci/postgres.sh ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  # A local PostgreSQL is available: use it, so the store tests run on both backends.
  eval "$(bash test/ci/postgres.sh 2>/dev/null | grep '^export TEST_DATABASE_URL=')" || true
fi

npx vitest run --reporter=default --reporter=json --outputFile.json=.test-reports/vitest.json
vitest_rc=$?

npx next build >.test-reports/next-build.log 2>&1
build_rc=$?
if [ $build_rc -ne 0 ]; then
  echo "next build failed:"; tail -40 .test-reports/next-build.log
fi

npx playwright test
playwright_rc=$?

node test/count-results.mjs .test-reports/vitest.json .test-reports/playwright.json $build_rc
count_rc=$?
if [ $vitest_rc -ne 0 ] || [ $playwright_rc -ne 0 ] || [ $build_rc -ne 0 ] || [ $count_rc -ne 0 ]; then exit 1; fi
