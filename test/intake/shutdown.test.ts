import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { custody, newDataDir, provisionToken, startDashboard, stopDashboard, type Dashboard } from './dashboard'

// SIGTERM and SIGINT (docker stop, systemd, Ctrl-C): the dashboard closes its embedded stores before it exits.
// Exiting with chDB open can hang in libchdb's destructors; seen in CI, a server that never exited after SIGTERM.
const dataDir = newDataDir('shutdown')
const PORT = 3188
let dashboard: Dashboard | undefined

afterAll(async () => {
  if (dashboard) await stopDashboard(dashboard, 'SIGKILL')
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const REPORT = ['report', 'unattributed', '--from', '2026-10-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z', '--json']

async function postRequests(url: string, token: string, first: number): Promise<void> {
  const lines = Array.from({ length: 50 }, (_, i) =>
    JSON.stringify({ time: new Date(Date.UTC(2026, 9, 3, 12) + (first + i) * 1000).toISOString(), 'mcp.method.name': 'tools/call', 'mcp.target': 'billing', event_id: `shutdown-${first + i}` }),
  )
  const res = await fetch(`${url}/api/ingest/gateway`, { method: 'POST', body: lines.join('\n'), headers: { authorization: `Bearer ${token}` } })
  expect(res.status).toBe(200)
}

describe('the dashboard asked to stop', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('on %s closes its embedded stores, then exits, and what it stored is there for the next process', async (signal) => {
    const token = provisionToken(dataDir, `shutdown-${signal}`, 'gateway')
    dashboard = await startDashboard(dataDir, PORT)
    const first = signal === 'SIGTERM' ? 0 : 50
    // each post asks for an alert evaluation: one may still be running when the signal comes
    await postRequests(dashboard.url, token, first)
    const stopped = dashboard
    const exit = new Promise<number | null>((resolve) => stopped.process.once('exit', (code) => resolve(code)))
    await stopDashboard(stopped, signal)
    dashboard = undefined
    expect(await exit).toBe(signal === 'SIGTERM' ? 143 : 130)
    expect(stopped.log()).toContain('custody: the embedded stores are closed')
    // the lock is free and the data whole: the CLI opens the data dir itself and counts every request stored
    const report = custody(dataDir, REPORT)
    expect(report.stderr).toBe('')
    expect(report.code).toBe(0)
    expect(JSON.parse(report.stdout).total_actions).toBe(first + 50)
  }, 240_000)
})
