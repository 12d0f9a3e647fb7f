import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-lock-'))
process.env.CUSTODY_DATA_DIR = dataDir
delete process.env.CLICKHOUSE_URL

const { closeClickHouse, query, sql } = await import('@/lib/clickhouse')
const { migrateClickHouse } = await import('@/lib/clickhouse/migrate')

afterAll(async () => {
  await closeClickHouse()
})

const cli = (args: string[]) =>
  spawnSync('node_modules/.bin/tsx', ['lib/cli/main.ts', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  })

describe('one owner per data dir', () => {
  it('stops a second process with a message saying what to do, and stores nothing', async () => {
    await migrateClickHouse() // this process now owns the data dir
    const file = path.join(dataDir, 'one.ndjson')
    fs.writeFileSync(file, '{"time":"2026-10-01T00:00:00Z","mcp.method.name":"tools/call","event_id":"lock-1"}\n')
    const second = cli(['ingest', '--source', 'gateway', file, '--json'])
    expect(second.status).toBe(3)
    expect(second.stdout).toBe('')
    expect(second.stderr).toContain(`The Custody data directory ${dataDir} is in use by another process`)
    expect(second.stderr).toContain('Stop that process')
    const rows = await query<{ n: string }>(sql`SELECT count() AS n FROM gateway_requests`, { tag: 'test' })
    expect(Number(rows[0].n)).toBe(0)
  })

  it('lets the next process in once the owner has gone', async () => {
    await closeClickHouse()
    const { releaseDataDirLock } = await import('@/lib/store/lock')
    releaseDataDirLock(dataDir)
    const file = path.join(dataDir, 'one.ndjson')
    const next = cli(['ingest', '--source', 'gateway', file, '--json'])
    expect(next.status, next.stderr).toBe(0)
    expect(JSON.parse(next.stdout)).toMatchObject({ accepted: 1 })
  })
})
