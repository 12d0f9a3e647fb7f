import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPORT_NAMES } from '@/lib/reports'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-report-cli-'))

function custody(args: string[]) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

const PERIOD = ['--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z']
const printed = new Map<string, { generated_at: string }>()

describe('custody report', () => {
  it('prints each report as its JSON object and nothing else', () => {
    expect(custody(['ingest', '--source', 'okta', 'test/fixtures/e2e/okta.ndjson']).code).toBe(0)
    expect(custody(['ingest', '--source', 'gateway', 'test/fixtures/e2e/gateway.ndjson']).code).toBe(0)
    for (const name of REPORT_NAMES) {
      const run = custody(['report', name, ...PERIOD, '--json'])
      expect(run.code, run.stderr).toBe(0)
      printed.set(name, JSON.parse(run.stdout))
      expect(printed.get(name)).toMatchObject({ report: name, from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', thresholds: { revocation_sla_seconds: 3600 } })
    }
    // Counted by hand from test/fixtures/e2e/gateway.ndjson. Agent actions: lines 1-3, 7-12 and 14
    // (4 is a 401, 5, 6 and 13 are protocol chatter). Attributed: 1 and 9 to Dana Lee by her
    // subject, 2 to the Reporting Agent by its credential. No credential at all: 7 and 8.
    // Billing: actions 1, 2, 9 and 10, of which 10 (an unknown gateway key) is unattributed.
    const unattributed = printed.get('unattributed') as unknown as { by_server: { server: string }[] }
    expect(unattributed).toMatchObject({ total_actions: 10, attributed_actions: 3, unattributed_actions: 7, denied_requests: 1 })
    expect(unattributed).toMatchObject({ by_reason: { no_credential: 2 } })
    expect(unattributed.by_server.find((s) => s.server === 'billing')).toEqual({ server: 'billing', total: 4, unattributed: 1 })
  })

  it('refuses a reversed period or an unknown report as a usage error', () => {
    const reversed = custody(['report', 'unattributed', '--from', '2026-11-01T00:00:00Z', '--to', '2026-10-01T00:00:00Z', '--json'])
    expect(reversed.code).toBe(2)
    expect(reversed.stderr).toContain('--from must be before --to')
    const unknown = custody(['report', 'nonsense', '--from', '2026-10-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z', '--json'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('the report must be one of')
  })

  it('prints the very report the library computes from the same data dir', async () => {
    expect(printed.size, 'runs after the printing test').toBe(REPORT_NAMES.length)
    process.env.CUSTODY_DATA_DIR = dataDir
    delete process.env.CLICKHOUSE_URL
    delete process.env.DATABASE_URL
    const { runReport } = await import('@/lib/reports')
    const { thresholdsInForce } = await import('@/lib/thresholds/in-force')
    const { closeAppStore, openAppStore } = await import('@/db')
    const { closeClickHouse } = await import('@/lib/clickhouse')
    const { releaseDataDirLock } = await import('@/lib/store/lock')
    try {
      const thresholds = await thresholdsInForce(await openAppStore())
      for (const name of REPORT_NAMES) {
        const own = await runReport(name, { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z'), thresholds })
        expect({ ...printed.get(name), generated_at: null }, name).toEqual({ ...own, generated_at: null })
      }
    } finally {
      await closeClickHouse()
      await closeAppStore()
      releaseDataDirLock(dataDir)
    }
  })
})
