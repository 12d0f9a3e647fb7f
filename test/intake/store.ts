import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { closeAppStore } from '@/db'
import { closeClickHouse, query, sql } from '@/lib/clickhouse'
import { releaseDataDirLock } from '@/lib/store/lock'

/** A fresh data dir (embedded chDB and PGlite) owned by this test file. */
export function useIntakeStore(name: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `custody-intake-${name}-`))
  beforeAll(() => {
    process.env.CUSTODY_DATA_DIR = dir
    delete process.env.CLICKHOUSE_URL
    delete process.env.DATABASE_URL
  })
  afterAll(async () => {
    await closeClickHouse()
    await closeAppStore()
    releaseDataDirLock(dir)
    fs.rmSync(dir, { recursive: true, force: true })
  })
}

/** Stored gateway requests, each event once (as the reports count them). */
export async function storedRequests(): Promise<number> {
  const [row] = await query<{ n: string }>(sql`SELECT uniqExact(event_id) AS n FROM gateway_requests`, { tag: 'test' })
  return Number(row.n)
}

/** Stored rows, duplicates included: a retry must not add any. */
export async function storedRequestRows(): Promise<number> {
  const [row] = await query<{ n: string }>(sql`SELECT count() AS n FROM gateway_requests`, { tag: 'test' })
  return Number(row.n)
}
