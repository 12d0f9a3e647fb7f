import { afterAll, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore } from '@/db'
import { thresholds } from '@/db/schema'
import { cliActor } from '@/lib/auth/actor'
import { DEFAULT_THRESHOLDS } from '@/lib/reports'
import { evidenceReport } from '@/lib/reports/run'
import { useReportStore } from './setup'

useReportStore('evidence-report')
afterAll(() => closeAppStore())

const PERIOD = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }

// version 0: no change was ever recorded in the threshold history (rows written here bypass it)
const DEFAULTS_IN_FORCE = { ...DEFAULT_THRESHOLDS, version: 0 }

describe('evidenceReport', () => {
  it('answers with the thresholds in force, also right after security staff change them', async () => {
    expect((await evidenceReport(cliActor, 'token-age', PERIOD)).thresholds).toEqual(DEFAULTS_IN_FORCE)

    // the query starts with the thresholds read last; a change since must still decide the answer
    const db = await openAppStore()
    await db.insert(thresholds).values({ key: 'revocation_sla_seconds', value: 900, updatedBy: 'security@example.com' })
    const changed = { ...DEFAULTS_IN_FORCE, revocation_sla_seconds: 900 }
    expect((await evidenceReport(cliActor, 'revocation-latency', PERIOD)).thresholds).toEqual(changed)
    expect((await evidenceReport(cliActor, 'revocation-latency', PERIOD)).thresholds).toEqual(changed)

    await db.delete(thresholds)
    expect((await evidenceReport(cliActor, 'unattributed', PERIOD)).thresholds).toEqual(DEFAULTS_IN_FORCE)
  })
})
