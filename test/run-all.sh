#!/usr/bin/env bash
# Runs every test: vitest (unit + integration on real chDB, PGlite and PostgreSQL) and
# Playwright (built dashboard in Chromium). Ends with one plain "N passed, N failed" line
# totalled over both runners (test/count-results.mjs). A step that keeps tests from running
# (PostgreSQL not starting, the build, Chromium missing) fails the run; it is not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-reports test-results
rm -f .test-reports/*.json
failed_steps=()

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  # The store tests run on PostgreSQL as well as PGlite: start the local server (installs it when missing).
  if postgres_line="$(bash test/ci/postgres.sh)"; then
    eval "$postgres_line"
  else
    failed_steps+=("PostgreSQL did not start (bash test/ci/postgres.sh), so the PostgreSQL suites cannot run")
  fi
fi

# Every scratch dir the tests make (data dirs, vendor files, packs) goes under one dir that is removed at the end,
# so a run leaves nothing in the machine's temp dir, whatever a test does or fails to clean up.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/custody-tests-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"

# The build comes first: the guard inventory (vitest) reads its route manifest and Playwright serves it.
npx next build >.test-reports/next-build.log 2>&1
build_rc=$?
if [ $build_rc -ne 0 ]; then
  echo "next build failed:"; tail -40 .test-reports/next-build.log
  failed_steps+=("next build (.test-reports/next-build.log)")
fi

npx vitest run --reporter=default --reporter=json --outputFile.json=.test-reports/vitest.json
vitest_rc=$?

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
playwright_rc=0
if [ -x "$chromium" ]; then
  npx playwright test
  playwright_rc=$?
else
  failed_steps+=("Chromium is missing at $chromium, so the e2e tests cannot run (bash test/setup-machine.sh installs it)")
fi

step_args=()
for step in "${failed_steps[@]}"; do step_args+=(--failed-step "$step"); done
node test/count-results.mjs .test-reports/vitest.json .test-reports/playwright.json "${step_args[@]}"
count_rc=$?
if [ $vitest_rc -ne 0 ] || [ $playwright_rc -ne 0 ] || [ $count_rc -ne 0 ]; then exit 1; fi
