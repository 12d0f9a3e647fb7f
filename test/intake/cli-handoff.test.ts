import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HANDOFF_FILE } from '@/lib/intake/local-handoff'
import { custody, newDataDir, startDashboard, stopDashboard, type Dashboard } from './dashboard'

// intake.md, "The CLI while the dashboard runs": the same output and exit codes as without it.
const served = newDataDir('handoff-served')
const alone = newDataDir('handoff-alone')
const work = newDataDir('handoff-files')
let dashboard: Dashboard

const file = path.join(work, 'gateway.ndjson')
const lines = [
  ...fs.readFileSync('test/fixtures/gateway/requests.ndjson', 'utf8').trim().split('\n'),
  '{not json',
  JSON.stringify({ time: '2026-10-03T14:22:09Z', 'mcp.target': 'billing' }),
]
fs.writeFileSync(file, lines.join('\n') + '\n')

beforeAll(async () => {
  dashboard = await startDashboard(served, 3182)
}, 240_000)

afterAll(async () => {
  if (dashboard) await stopDashboard(dashboard, 'SIGKILL')
  for (const dir of [served, alone, work]) fs.rmSync(dir, { recursive: true, force: true })
})

const REPORT = ['report', 'unattributed', '--from', '2026-10-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z', '--json']
const withoutClock = (json: string) => ({ ...JSON.parse(json), generated_at: undefined })

describe('custody ingest and report on a data dir the running dashboard owns', () => {
  it('publishes its loopback address and token to its own OS user only', () => {
    const handoff = path.join(served, HANDOFF_FILE)
    expect(fs.statSync(handoff).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(handoff, 'utf8'))).toMatchObject({ url: dashboard.url, pid: dashboard.process.pid })
    // the dashboard owns the stores from its start: without the handoff the CLI would stop with exit 3
    expect(JSON.parse(fs.readFileSync(path.join(served, 'custody.lock', 'owner.json'), 'utf8')).pid).toBe(dashboard.process.pid)
  })

  it('ingests through the dashboard with the same summary and exit code as on its own', () => {
    const through = custody(served, ['ingest', '--source', 'gateway', file, '--json'])
    const direct = custody(alone, ['ingest', '--source', 'gateway', file, '--json'])
    expect(through.stderr).toBe('')
    expect(direct.code).toBe(1)
    expect(through.code).toBe(direct.code)
    expect(JSON.parse(through.stdout)).toEqual(JSON.parse(direct.stdout))
    expect(JSON.parse(through.stdout).rejects.map((r: { line: number }) => r.line)).toEqual([lines.length - 1, lines.length])

    const again = custody(served, ['ingest', '--source', 'gateway', file])
    expect(again.code).toBe(1)
    expect(again.stdout.split('\n')[0]).toBe(custody(alone, ['ingest', '--source', 'gateway', file]).stdout.split('\n')[0])
  })

  it('streams a large gzip file in several posts, and names each bad line as on its own, a cut-short end too', () => {
    const many = Array.from({ length: 30_000 }, (_, i) =>
      i === 12_345 || i === 29_000 ? '{broken' : JSON.stringify({ time: '2026-10-04T10:00:00Z', 'mcp.method.name': 'tools/call', event_id: `big-${i}`, pad: 'x'.repeat(300) }),
    )
    const whole = gzipSync(many.join('\n') + '\n')
    const big = path.join(work, 'big.ndjson.gz')
    fs.writeFileSync(big, whole) // ~10 MB of text: three posts
    const cut = path.join(work, 'cut.ndjson.gz')
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 200))
    for (const input of [big, cut]) {
      const through = custody(served, ['ingest', '--source', 'gateway', input, '--json'])
      const direct = custody(alone, ['ingest', '--source', 'gateway', input, '--json'])
      expect(through.stderr, input).toBe('')
      // the same rejects; the reader lists a cut-short end before the parse rejects the engine finds later
      const byLine = (out: string) => ({ ...JSON.parse(out), rejects: JSON.parse(out).rejects.sort((a: { line: number }, b: { line: number }) => a.line - b.line) })
      expect([through.code, byLine(through.stdout)], input).toEqual([direct.code, byLine(direct.stdout)])
    }
  })

  it('answers a report through the dashboard, the same object as on its own', () => {
    const through = custody(served, REPORT)
    expect(through.stderr).toBe('')
    expect(through.code).toBe(0)
    expect(withoutClock(through.stdout)).toEqual(withoutClock(custody(alone, REPORT).stdout))
  })

  it('ignores the handoff file of a dashboard that is gone and opens the stores itself', async () => {
    await stopDashboard(dashboard, 'SIGKILL')
    const run = custody(served, ['ingest', '--source', 'gateway', file, '--json'])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: 0, rejected: 2 })
  })
})
