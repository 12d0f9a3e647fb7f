// Totals vitest's and Playwright's JSON reports into the plain line CI reads:
//   node test/count-results.mjs <vitest.json> <playwright.json> [--failed-step "<what failed>"]...
// A run counts as failed when a test or suite failed, a step before the tests failed
// (the build, PostgreSQL's start), a runner left no report or ran nothing, or, in CI
// (CI=true), any test was skipped: there a skip means a suite that needs PostgreSQL
// or Chromium did not run.
import fs from 'node:fs'

const reports = []
const failedSteps = []
for (const args = process.argv.slice(2); args.length; ) {
  const arg = args.shift()
  if (arg === '--failed-step') failedSteps.push(args.shift())
  else reports.push(arg)
}
const [vitestFile, playwrightFile] = reports
const read = (f) => (f && fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null)

const inCI = Boolean(process.env.CI) && !['false', '0'].includes(process.env.CI)
const problems = failedSteps.map((step) => `failed step: ${step}`)
const vitest = countVitest(read(vitestFile), problems)
const playwright = countPlaywright(read(playwrightFile), problems)
const skipped = [...vitest.skipped, ...playwright.skipped]
if (inCI) problems.push(...skipped.map((name) => `skipped in CI: ${name}`))
const passed = vitest.passed + playwright.passed
const failed = vitest.failed + playwright.failed + problems.length
for (const problem of problems) console.log(problem)

console.log(`${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)

function countVitest(report, problems) {
  if (!report) return problems.push('vitest left no report'), { passed: 0, failed: 0, skipped: [] }
  let passed = 0
  let failed = 0
  const skipped = []
  for (const file of report.testResults) {
    const tests = file.assertionResults ?? []
    // A file that failed outside any test (an import, a hook) is one failure of its own.
    if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) {
      problems.push(`vitest: ${file.name} failed outside its tests: ${(file.message ?? '').split('\n')[0]}`)
    }
    for (const test of tests) {
      if (test.status === 'passed') passed++
      else if (test.status === 'failed') failed++
      else skipped.push(`${file.name} > ${test.fullName}`)
    }
  }
  if (passed + failed === 0) problems.push('vitest ran no tests')
  return { passed, failed, skipped }
}

function countPlaywright(report, problems) {
  if (!report) return problems.push('Playwright left no report (is Chromium installed?)'), { passed: 0, failed: 0, skipped: [] }
  for (const error of report.errors ?? []) problems.push(`Playwright: ${(error.message ?? String(error)).split('\n')[0]}`)
  const passed = report.stats.expected + report.stats.flaky
  if (passed + report.stats.unexpected === 0) problems.push('Playwright ran no e2e tests')
  return { passed, failed: report.stats.unexpected, skipped: skippedSpecs(report.suites ?? []) }
}

function skippedSpecs(suites) {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? []).filter((spec) => spec.tests.some((t) => t.status === 'skipped')).map((spec) => `${spec.file} > ${spec.title}`),
    ...skippedSpecs(suite.suites ?? []),
  ])
}
