import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

type Status = 'passed' | 'failed' | 'skipped'
type VitestFile = { name: string; status: 'passed' | 'failed'; message?: string; tests: [string, Status][] }

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-count-'))

/** vitest's JSON report, with the totals vitest writes beside the per-file results. */
function vitestReport(files: VitestFile[]): string {
  const all = files.flatMap((f) => f.tests.map(([, status]) => status))
  return write('vitest.json', {
    numPassedTests: all.filter((s) => s === 'passed').length,
    numFailedTests: all.filter((s) => s === 'failed').length,
    numPendingTests: all.filter((s) => s === 'skipped').length,
    numTodoTests: 0,
    numFailedTestSuites: files.filter((f) => f.status === 'failed').length,
    testResults: files.map((f) => ({
      name: f.name,
      status: f.status,
      message: f.message ?? '',
      assertionResults: f.tests.map(([fullName, status]) => ({ fullName, status })),
    })),
  })
}

function playwrightReport(expected: number, skippedSpec?: string): string {
  const specs = skippedSpec ? [{ title: skippedSpec, file: 'auth.spec.ts', tests: [{ status: 'skipped' }] }] : []
  return write('playwright.json', { stats: { expected, unexpected: 0, flaky: 0, skipped: specs.length }, errors: [], suites: [{ title: 'auth.spec.ts', specs, suites: [] }] })
}

function write(name: string, report: object): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`)
  fs.writeFileSync(file, JSON.stringify(report))
  return file
}

function count(args: string[], ci: boolean) {
  const env = { ...process.env, CI: ci ? 'true' : '' }
  const run = spawnSync(process.execPath, ['test/count-results.mjs', ...args], { env, encoding: 'utf8' })
  return { code: run.status, lines: run.stdout.trim().split('\n') }
}

const green = (): VitestFile => ({ name: '/repo/test/store/app-store.test.ts', status: 'passed', tests: [['app store on PGlite opens', 'passed']] })

describe('the CI total cannot quietly shrink', () => {
  it('fails CI when a suite was skipped (PostgreSQL unset), naming it; outside CI the skip is only counted', () => {
    const vitest = vitestReport([{ ...green(), tests: [['app store on PGlite opens', 'passed'], ['app store on PostgreSQL skipped: TEST_DATABASE_URL is unset', 'skipped']] }])
    const args = [vitest, playwrightReport(3)]
    expect(count(args, true)).toEqual({
      code: 1,
      lines: ['skipped in CI: /repo/test/store/app-store.test.ts > app store on PostgreSQL skipped: TEST_DATABASE_URL is unset', '4 passed, 1 failed, 1 skipped'],
    })
    expect(count(args, false)).toEqual({ code: 0, lines: ['4 passed, 0 failed, 1 skipped'] })
  })

  it('fails CI when an e2e test was skipped, naming it', () => {
    expect(count([vitestReport([green()]), playwrightReport(2, 'every role gets what its role allows')], true)).toEqual({
      code: 1,
      lines: ['skipped in CI: auth.spec.ts > every role gets what its role allows', '3 passed, 1 failed, 1 skipped'],
    })
  })

  it('fails when Playwright ran no e2e test or left no report (Chromium missing)', () => {
    expect(count([vitestReport([green()]), playwrightReport(0)], false)).toEqual({ code: 1, lines: ['Playwright ran no e2e tests', '1 passed, 1 failed'] })
    const missing = count([vitestReport([green()]), path.join(dir, 'absent.json')], false)
    expect(missing).toEqual({ code: 1, lines: ['Playwright left no report (is Chromium installed?)', '1 passed, 1 failed'] })
  })

  it('fails on a step that kept tests from running, such as PostgreSQL not starting, and names it', () => {
    const step = 'PostgreSQL did not start (bash test/ci/postgres.sh), so the PostgreSQL suites cannot run'
    expect(count([vitestReport([green()]), playwrightReport(1), '--failed-step', step], false)).toEqual({
      code: 1,
      lines: [`failed step: ${step}`, '2 passed, 1 failed'],
    })
  })

  it('counts a test file that failed outside its tests even when other files have failing tests', () => {
    const broken: VitestFile = { name: '/repo/test/auth/guard-inventory.test.ts', status: 'failed', message: 'Error: no build manifest\n    at x', tests: [] }
    const red: VitestFile = { name: '/repo/test/reports/coverage.test.ts', status: 'failed', tests: [['coverage counts days', 'failed']] }
    expect(count([vitestReport([green(), broken, red]), playwrightReport(1)], false)).toEqual({
      code: 1,
      lines: ['vitest: /repo/test/auth/guard-inventory.test.ts failed outside its tests: Error: no build manifest', '2 passed, 2 failed'],
    })
  })

  it('fails when vitest ran nothing', () => {
    expect(count([vitestReport([]), playwrightReport(1)], false)).toEqual({ code: 1, lines: ['vitest ran no tests', '1 passed, 1 failed'] })
  })
})
