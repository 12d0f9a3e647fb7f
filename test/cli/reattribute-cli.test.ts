import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-reattribute-cli-'))

function custody(args: string[]) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

const PERIOD = ['--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z']

describe('custody reattribute', () => {
  it('rebuilds the stored attribution from scratch, with progress on stderr and a JSON summary, and the reports stay the same', { timeout: 600_000 }, () => {
    expect(custody(['ingest', '--source', 'okta', 'test/fixtures/e2e/okta.ndjson']).code).toBe(0)
    expect(custody(['ingest', '--source', 'gateway', 'test/fixtures/e2e/gateway.ndjson']).code).toBe(0)
    const before = JSON.parse(custody(['report', 'unattributed', ...PERIOD, '--json']).stdout)
    const offGatewayBefore = JSON.parse(custody(['report', 'off-gateway', ...PERIOD, '--json']).stdout)
    const run = custody(['reattribute', '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('reattribute: every agent action, from scratch')
    // the 10 agent actions of test/fixtures/e2e/gateway.ndjson (see report-cli.test.ts)
    expect(JSON.parse(run.stdout)).toMatchObject({ from: null, to: null, actions: 10 })
    const after = JSON.parse(custody(['report', 'unattributed', ...PERIOD, '--json']).stdout)
    expect({ ...after, generated_at: null }).toEqual({ ...before, generated_at: null })
    // off-gateway reads the stored credential set, which the rebuild writes again
    const offGatewayAfter = JSON.parse(custody(['report', 'off-gateway', ...PERIOD, '--json']).stdout)
    expect({ ...offGatewayAfter, generated_at: null }).toEqual({ ...offGatewayBefore, generated_at: null })

    const scoped = custody(['reattribute', ...PERIOD, '--json'])
    expect(scoped.code, scoped.stderr).toBe(0)
    expect(JSON.parse(scoped.stdout)).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', actions: 10 })
  })

  it('refuses --from without --to, or a bad time, as a usage error', { timeout: 300_000 }, () => {
    const half = custody(['reattribute', '--from', '2026-10-01T00:00:00Z'])
    expect(half.code).toBe(2)
    expect(half.stderr).toContain('--from and --to go together')
    const bad = custody(['reattribute', '--from', 'yesterday', '--to', '2026-10-01T00:00:00Z'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--from must be an ISO 8601 time')
  })
})
