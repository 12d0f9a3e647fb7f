import { desc, eq, sql } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { openAppStore } from '@/db'
import { auditEvents, thresholdHistory } from '@/db/schema'
import { cliActor } from '@/lib/auth/actor'
import { DEFAULT_THRESHOLDS } from '@/lib/reports'
import { evidenceReport } from '@/lib/reports/run'
import { changeThresholds, ThresholdChangeRefused, thresholdChanges, thresholdSettings } from '@/lib/thresholds/change'
import { thresholdsInForce } from '@/lib/thresholds/in-force'
import { DEFAULT_SETTINGS } from '@/lib/thresholds/settings'
import { freshStores, useAlertStores } from '../alerts/evaluation'

useAlertStores('threshold-changes')
beforeEach(freshStores)

const october = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }

describe('threshold versions', () => {
  it('starts at version 0, the defaults of metrics.md, and reports say so', async () => {
    expect(await thresholdSettings(cliActor)).toEqual({ version: 0, changedAt: null, changedBy: null, reason: null, settings: DEFAULT_SETTINGS })
    const report = await evidenceReport(cliActor, 'unattributed', october)
    expect(report.thresholds).toEqual({ ...DEFAULT_THRESHOLDS, version: 0 })
  })

  it('makes each change a new version: one history row per value (old → new) with who and why, an audit row in the same transaction, and reports judged by it', async () => {
    const first = await changeThresholds(cliActor, { settings: { max_age_days: { pat: 30 }, alert_rules: { source_silent: { minutes: 15 } } }, reason: 'SOC 2 CC6.1: PATs live a month' })
    expect(first).toMatchObject({ version: 1, changedBy: 'system:cli', reason: 'SOC 2 CC6.1: PATs live a month' })
    expect(first.settings.max_age_days).toEqual({ ...DEFAULT_SETTINGS.max_age_days, pat: 30 })
    expect(first.settings.alert_rules.source_silent).toEqual({ enabled: true, minutes: 15 })
    await changeThresholds(cliActor, { settings: { revocation_sla_seconds: 900 }, reason: 'tighter SLA' })

    const history = await thresholdChanges(cliActor)
    expect(history.map(({ changedAt: _, ...c }) => c)).toEqual([
      { version: 2, key: 'revocation_sla_seconds', old: 3600, new: 900, changedBy: 'system:cli', reason: 'tighter SLA' },
      { version: 1, key: 'alert_rules.source_silent.minutes', old: 60, new: 15, changedBy: 'system:cli', reason: 'SOC 2 CC6.1: PATs live a month' },
      { version: 1, key: 'max_age_days.pat', old: 90, new: 30, changedBy: 'system:cli', reason: 'SOC 2 CC6.1: PATs live a month' },
    ])
    const db = await openAppStore()
    const [audit] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'threshold_change')).orderBy(desc(auditEvents.id)).limit(1)
    expect(audit).toMatchObject({ actor: 'system:cli', target: 'version 2', detail: { version: 2, reason: 'tighter SLA', changes: [{ key: 'revocation_sla_seconds', old: 3600, new: 900 }] } })
    const writers = await db.execute(sql`SELECT DISTINCT xmin::text AS tx FROM ${thresholdHistory} WHERE version = 2
      UNION SELECT xmin::text FROM ${auditEvents} WHERE id = ${audit.id}`)
    expect(writers.rows, 'the history row and its audit row are one transaction').toHaveLength(1)

    const inForce = await thresholdsInForce(db)
    expect(inForce).toEqual({ ...DEFAULT_THRESHOLDS, max_age_days: { ...DEFAULT_THRESHOLDS.max_age_days, pat: 30 }, revocation_sla_seconds: 900, version: 2 })
    const report = await evidenceReport(cliActor, 'revocation-latency', october)
    expect(report.thresholds).toEqual(inForce)
  })

  it('refuses a bad value naming its field, an unknown key, a missing reason and a change that changes nothing, storing none of them', async () => {
    const refusal = (settings: unknown, reason = 'why') => changeThresholds(cliActor, { settings, reason }).then(() => null, (err: unknown) => err)
    const bad = await refusal({ max_age_days: { pat: -1 }, unattributed_ratio: 2 })
    expect(bad).toBeInstanceOf(ThresholdChangeRefused)
    expect((bad as Error).message).toBe('max_age_days.pat must be above 0 days; unattributed_ratio may be at most 1')
    expect(((await refusal({ alert_rules: { source_silent: { minuts: 5 } } })) as Error).message).toMatch(/^alert_rules\.source_silent: Unrecognized key: "minuts"/)
    expect(((await refusal({ alert_rules: { source_silent: { minutes: '5' } } })) as Error).message).toBe('alert_rules.source_silent.minutes: minutes must be a number')
    expect(((await refusal({ revocation_sla_seconds: 900 }, '  ')) as Error).message).toBe('a reason is required')
    expect(((await refusal({ revocation_sla_seconds: 3600 })) as Error).message).toBe('nothing changes: every value given is already in force')
    expect(await thresholdChanges(cliActor)).toEqual([])
    expect((await thresholdSettings(cliActor)).version).toBe(0)
  })
})
