import fs from 'node:fs'
import { afterAll, beforeAll } from 'vitest'
import { closeClickHouse, command, sql } from '@/lib/clickhouse'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { DEFAULT_THRESHOLDS, type ReportOptions } from '@/lib/reports'
import { useTempDataDir } from './builders'
import { releaseDataDirLock } from '@/lib/store/lock'

/** Each test file gets its own chDB in a fresh temp dir, migrated before the first test. */
export function useReportStore(name: string): void {
  const dir = useTempDataDir(`report-${name}`)
  beforeAll(async () => {
    await migrateClickHouse()
  })
  afterAll(async () => {
    await closeClickHouse()
    releaseDataDirLock(dir) // before the dir goes: the lock's heartbeat would find it gone and stop the process
    fs.rmSync(dir, { recursive: true, force: true })
  })
}

export async function emptyStore(): Promise<void> {
  await command(sql`TRUNCATE TABLE gateway_requests`, { tag: 'test' })
  await command(sql`TRUNCATE TABLE idp_events`, { tag: 'test' })
}

export function period(from: string, to: string, now = '2026-12-01T00:00:00.000Z'): ReportOptions {
  return { from: new Date(from), to: new Date(to), thresholds: DEFAULT_THRESHOLDS, now: new Date(now) }
}

/** The header every report carries, for a period made by `period`. */
export function header(report: string, opts: ReportOptions) {
  return {
    report,
    from: opts.from.toISOString(),
    to: opts.to.toISOString(),
    generated_at: (opts.now ?? new Date()).toISOString(),
    thresholds: DEFAULT_THRESHOLDS,
  }
}
