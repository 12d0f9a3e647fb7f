import { describe, expect, it } from 'vitest'
import { command, query, sql } from '@/lib/clickhouse'
import { maintainAttribution } from '@/lib/attribution'
import { buildIdpGeneration, IDP_TABLES, markIdpChanges } from '@/lib/attribution/maintain/idp-side'
import { readState } from '@/lib/attribution/maintain/state'
import { clearDirty } from '@/lib/attribution/maintain/tables'
import { localTable } from '@/lib/clickhouse/ddl'
import { at, grant, person, request, revocation, store, trigger } from './builders'
import { emptyStore, useReportStore } from './setup'

useReportStore('maintained-reach')

/** A generation no run writes (theirs are ms timestamps). */
const SCRATCH = 2

async function markedCredentials(runId: string): Promise<string[]> {
  const rows = await query<{ key: string }>(
    sql`SELECT key FROM attribution_dirty WHERE run_id = ${runId} AND kind = 'credential' ORDER BY key`,
    { tag: 'test' },
  )
  return rows.map((r) => r.key)
}

describe('what an IdP batch marks for re-attribution', () => {
  it('marks only changed credentials some stored request presents: an Okta day granting new tokens re-reads no request', { timeout: 120_000 }, async () => {
    await emptyStore()
    const presented = request({ time: at('10-01 10:00'), credential_id: 'AT.1' })
    await store({
      facts: [person('00uA', 'a@example.com'), grant('AT.1', '00uA', at('10-01 09:00')), grant('AT.2', '00uA', at('10-01 09:00'))],
      requests: [presented],
    })
    await maintainAttribution()

    // both credentials revoked, and a new one granted that no request presents yet
    await store({ facts: [revocation('AT.1', at('10-01 09:30')), revocation('AT.2', at('10-01 09:30')), grant('AT.3', '00uA', at('10-01 11:00'))] })
    const current = (await readState())!.idp_generation
    await buildIdpGeneration(SCRATCH)
    const runId = 'test-reach'
    try {
      await markIdpChanges(runId, current, SCRATCH)
      expect(await markedCredentials(runId)).toEqual(['AT.1'])
    } finally {
      await clearDirty(runId)
      for (const table of IDP_TABLES) await command(sql`ALTER TABLE ${localTable(table)} DROP PARTITION 2`, { tag: 'test' })
    }

    // the maintained answer moves for the presented one
    await maintainAttribution()
    const actions = await query<{ event_id: string; after_revocation: number }>(
      sql`SELECT event_id, after_revocation FROM attributed_actions FINAL`,
      { tag: 'test' },
    )
    expect(actions).toEqual([{ event_id: presented.event_id, after_revocation: 1 }])
  })

  it('clears the flags between a first trigger and its later re-reading: the old trigger bounds what is read, not only the new one', { timeout: 120_000 }, async () => {
    await emptyStore()
    const uses = [at('10-01 09:00'), at('10-01 15:00'), at('10-02 09:00')].map((time) => request({ time, credential_id: 'AT.1' }))
    const deactivated = trigger('00uA', at('10-01 12:00'))
    await store({ facts: [person('00uA', 'a@example.com'), grant('AT.1', '00uA', at('10-01 08:00')), deactivated], requests: uses })
    await maintainAttribution()
    const flags = async () =>
      (await query<{ after_deprovision: number }>(sql`SELECT after_deprovision FROM attributed_actions FINAL ORDER BY time`, { tag: 'test' })).map(
        (a) => a.after_deprovision,
      )
    expect(await flags()).toEqual([0, 1, 1])

    // the same record read again: the deactivation was logged the next morning
    await store({ facts: [{ ...deactivated, time: at('10-02 08:00') }] })
    await maintainAttribution()
    expect(await flags()).toEqual([0, 0, 1])
  })
})
