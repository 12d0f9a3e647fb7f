import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { alertRunSchema } from '@/lib/alerts/alert'
import { DEFAULT_SETTINGS } from '@/lib/thresholds/settings'
import { custody, newDataDir } from '../intake/dashboard'

// issue 13: thresholds and alerts from the command line, for cron and scripts.
const dataDir = newDataDir('alerts-cli')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-alerts-cli-files-'))
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(work, { recursive: true, force: true })
})

const write = (name: string, content: string) => {
  const file = path.join(work, name)
  fs.writeFileSync(file, content)
  return file
}
/** The alerts in the data dir's app state, read between two commands (the lock released after). */
async function storedAlerts() {
  process.env.CUSTODY_DATA_DIR = dataDir
  delete process.env.DATABASE_URL
  const { openAppStore, closeAppStore } = await import('@/db')
  const { alerts } = await import('@/db/schema')
  const { releaseDataDirLock } = await import('@/lib/store/lock')
  try {
    return await (await openAppStore()).select({ rule: alerts.rule, state: alerts.state }).from(alerts)
  } finally {
    await closeAppStore()
    releaseDataDirLock(dataDir)
  }
}

const line = (i: number, more: object = {}) => JSON.stringify({ time: `2026-10-03T14:22:0${i}.000Z`, 'mcp.method.name': 'tools/call', 'mcp.target': 'billing', ...more })

describe('custody thresholds and custody alerts', () => {
  it('shows the defaults as version 0, sets a change with its reason, and refuses what the page refuses', () => {
    const shown = custody(dataDir, ['thresholds', 'show', '--json'])
    expect(shown).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(shown.stdout)).toEqual({ version: 0, changed_at: null, changed_by: null, reason: null, thresholds: DEFAULT_SETTINGS })

    const file = write('stricter.json', JSON.stringify({ unattributed_ratio: 0.5, alert_rules: { source_silent: { enabled: false } } }))
    const set = custody(dataDir, ['thresholds', 'set', file, '--reason', 'pilot: half may be unattributed', '--json'])
    expect(set).toMatchObject({ code: 0, stderr: '' })
    const after = JSON.parse(custody(dataDir, ['thresholds', 'show', '--json']).stdout)
    expect(after).toEqual({ ...JSON.parse(set.stdout) })
    expect(after).toMatchObject({ version: 1, changed_by: 'system:cli', reason: 'pilot: half may be unattributed', thresholds: { unattributed_ratio: 0.5 } })
    expect(after.thresholds.alert_rules.source_silent).toEqual({ enabled: false, minutes: 60 })
    expect(Date.parse(after.changed_at)).not.toBeNaN()

    expect(custody(dataDir, ['thresholds', 'set', file])).toMatchObject({ code: 2, stderr: expect.stringContaining('thresholds set needs --reason') })
    const bad = write('bad.json', JSON.stringify({ max_age_days: { api_key: 0 } }))
    expect(custody(dataDir, ['thresholds', 'set', bad, '--reason', 'x'])).toMatchObject({ code: 1, stderr: `custody: ${bad}: max_age_days.api_key must be above 0 days\n` })
    const broken = write('broken.json', '{"unattributed_ratio": ')
    expect(custody(dataDir, ['thresholds', 'set', broken, '--reason', 'x'])).toMatchObject({ code: 1, stderr: expect.stringContaining(`custody: ${broken}: not JSON:`) })
    expect(JSON.parse(custody(dataDir, ['thresholds', 'show', '--json']).stdout).version).toBe(1)
  }, 240_000)

  it('raises the alerts an ingested file shows as it is ingested, and alerts run --json prints them in the contract shape', async () => {
    // no action is attributed (three present nothing, one a token no IdP issued): 1 > 0.5
    const gateway = write('gateway.ndjson', [line(1), line(2), line(3), line(4, { 'jwt.jti': 'AT.unknown-1' })].join('\n') + '\n')
    expect(custody(dataDir, ['ingest', '--source', 'gateway', gateway, '--json'])).toMatchObject({ code: 0, stderr: '' })
    expect(await storedAlerts(), 'the ingest evaluated the rules').toEqual([{ rule: 'unattributed_ratio', state: 'firing' }])

    const run = custody(dataDir, ['alerts', 'run', '--json'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    const printed = JSON.parse(run.stdout)
    expect(Object.keys(printed)).toEqual(['evaluated_at', 'alerts'])
    expect(alertRunSchema.parse(printed)).toEqual(printed)
    const [ratio] = printed.alerts
    expect(printed.alerts).toHaveLength(1)
    expect(Object.keys(ratio)).toEqual(['id', 'rule', 'state', 'subject', 'value', 'threshold', 'since', 'link'])
    expect(ratio).toMatchObject({ rule: 'unattributed_ratio', state: 'firing', subject: 'all', value: 1, threshold: 0.5, since: '2026-10-03T14:22:01.000Z' })
    expect(ratio.link).toBe('/actions?reason=unattributed&from=2026-10-02T14%3A22%3A04.000Z&to=2026-10-03T14%3A22%3A04.001Z')

    // evaluated again: the same alert, not a second one
    const again = JSON.parse(custody(dataDir, ['alerts', 'run', '--json']).stdout)
    expect(again.alerts.map((a: { id: string }) => a.id)).toEqual([ratio.id])
    expect(custody(dataDir, ['alerts', 'list'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown alerts command: list') })
  }, 240_000)
})
