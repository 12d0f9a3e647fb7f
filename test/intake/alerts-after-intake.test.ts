import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alertRunSchema } from '@/lib/alerts/alert'
import { custody, newDataDir, startDashboard, stopDashboard, type Dashboard } from './dashboard'

// issue 13: alerts are evaluated after every batch the intake stores, and `custody alerts run`
// works beside a running dashboard (the evaluation runs in the process that owns the stores).
const served = newDataDir('alerts-intake')
const work = newDataDir('alerts-intake-files')
let dashboard: Dashboard

const file = path.join(work, 'gateway.ndjson')
const line = (i: number) => JSON.stringify({ time: `2026-10-03T14:22:0${i}.000Z`, 'mcp.method.name': 'tools/call', 'mcp.target': 'billing' })
fs.writeFileSync(file, [line(1), line(2), line(3)].join('\n') + '\n')

beforeAll(async () => {
  // the schedule evaluates once at start (nothing stored yet), then not again within the test
  dashboard = await startDashboard(served, 3187, { CUSTODY_ALERT_INTERVAL_SECONDS: '3600' })
}, 240_000)

afterAll(async () => {
  if (dashboard) await stopDashboard(dashboard, 'SIGKILL')
  for (const dir of [served, work]) fs.rmSync(dir, { recursive: true, force: true })
})

describe('alerts beside a running dashboard', () => {
  it('raises the alert a stored post shows, and alerts run answers it through the dashboard', async () => {
    expect(custody(served, ['ingest', '--source', 'gateway', file, '--json'])).toMatchObject({ code: 0, stderr: '' })
    const run = custody(served, ['alerts', 'run', '--json'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    const printed = alertRunSchema.parse(JSON.parse(run.stdout))
    expect(printed.alerts).toMatchObject([{ rule: 'unattributed_ratio', state: 'firing', subject: 'all', value: 1, threshold: 0.01, since: '2026-10-03T14:22:01.000Z' }])

    await stopDashboard(dashboard)
    const opened = await openedAt(printed.alerts[0].id)
    // raised by the evaluation the intake asked for after storing the post, before `alerts run` evaluated
    expect(opened.getTime()).toBeLessThan(Date.parse(printed.evaluated_at))
  }, 240_000)
})

async function openedAt(id: string): Promise<Date> {
  process.env.CUSTODY_DATA_DIR = served
  delete process.env.DATABASE_URL
  const { openAppStore, closeAppStore } = await import('@/db')
  const { alerts } = await import('@/db/schema')
  const { eq } = await import('drizzle-orm')
  const { releaseDataDirLock } = await import('@/lib/store/lock')
  try {
    const [row] = await (await openAppStore()).select({ openedAt: alerts.openedAt }).from(alerts).where(eq(alerts.id, id))
    return row.openedAt
  } finally {
    await closeAppStore()
    releaseDataDirLock(served)
  }
}
