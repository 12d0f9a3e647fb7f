import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// gateway-log.md: a normal agentgateway log (start-up lines, LLM routes, stream opens) exits 0.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-cli-agw-'))
const LOG = path.join(import.meta.dirname, '..', 'fixtures', 'gateway', 'agentgateway-log.ndjson')

describe('custody ingest of a whole agentgateway log', () => {
  it('counts what is not an MCP request as skipped and exits 0', { timeout: 120_000 }, () => {
    const run = spawnSync('npm', ['run', '-s', 'custody', '--', 'ingest', '--source', 'gateway', LOG, '--json'], {
      env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ source: 'gateway', read: 8, accepted: 5, duplicates: 0, rejected: 0, skipped: 3, rejects: [] })
  })
})
