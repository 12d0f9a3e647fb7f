import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPORT_NAMES, REPORT_SCHEMAS } from '@/lib/reports'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-report-cli-'))

function custody(args: string[]) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('custody report', () => {
  it('prints each report as its JSON object and nothing else', () => {
    expect(custody(['ingest', '--source', 'okta', 'test/fixtures/e2e/okta.ndjson']).code).toBe(0)
    expect(custody(['ingest', '--source', 'gateway', 'test/fixtures/e2e/gateway.ndjson']).code).toBe(0)
    for (const name of REPORT_NAMES) {
      const run = custody(['report', name, '--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z', '--json'])
      expect(run.code, run.stderr).toBe(0)
      const report = REPORT_SCHEMAS[name].parse(JSON.parse(run.stdout))
      expect(report).toMatchObject({ report: name, from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' })
      expect((report as { thresholds: { revocation_sla_seconds: number } }).thresholds.revocation_sla_seconds).toBe(3600)
    }
    // the fixture's 14 gateway lines hold 10 agent actions
    const unattributed = JSON.parse(custody(['report', 'unattributed', '--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z', '--json']).stdout)
    expect(unattributed.total_actions).toBe(10)
    expect(unattributed.attributed_actions + unattributed.unattributed_actions).toBe(10)
  })

  it('refuses a reversed period or an unknown report as a usage error', () => {
    const reversed = custody(['report', 'unattributed', '--from', '2026-11-01T00:00:00Z', '--to', '2026-10-01T00:00:00Z', '--json'])
    expect(reversed.code).toBe(2)
    expect(reversed.stderr).toContain('--from must be before --to')
    const unknown = custody(['report', 'nonsense', '--from', '2026-10-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z', '--json'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('the report must be one of')
  })
})
