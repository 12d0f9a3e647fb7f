// Totals vitest's and Playwright's JSON reports into the plain line CI reads.
import fs from 'node:fs'

const [vitestFile, playwrightFile, buildRc] = process.argv.slice(2)
const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null)
const vitest = read(vitestFile)
const playwright = read(playwrightFile)

let passed = 0
let failed = 0
let skipped = 0
if (vitest) {
  passed += vitest.numPassedTests
  failed += vitest.numFailedTests
  skipped += vitest.numPendingTests + vitest.numTodoTests
  if (vitest.numFailedTestSuites > 0 && vitest.numFailedTests === 0) failed += vitest.numFailedTestSuites
} else failed += 1
if (playwright) {
  passed += playwright.stats.expected + playwright.stats.flaky
  failed += playwright.stats.unexpected
  skipped += playwright.stats.skipped
  failed += (playwright.errors ?? []).length
} else failed += 1
if (Number(buildRc) !== 0) failed += 1

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
