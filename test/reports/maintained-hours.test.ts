import { beforeEach, describe, expect, it, vi } from 'vitest'
import { query, sql } from '@/lib/clickhouse'
import { maintainAttribution } from '@/lib/attribution'
import { at, grant, person, request, revocation, store, trigger } from './builders'
import { emptyStore, useReportStore } from './setup'

// a maintenance run that dies after re-attributing, before its rollup (the process killed there)
const crash = vi.hoisted(() => ({ beforeRollup: false }))
vi.mock('@/lib/attribution/maintain/hours', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/attribution/maintain/hours')>()
  return {
    ...actual,
    refreshHours: (...args: Parameters<typeof actual.refreshHours>) => {
      if (!crash.beforeRollup) return actual.refreshHours(...args)
      crash.beforeRollup = false
      return Promise.reject(new Error('killed before the rollup'))
    },
  }
})

useReportStore('maintained-hours')
beforeEach(emptyStore)

const dana = person('00uDANA', 'dana@example.com')
const danaToken = grant('AT.dana', '00uDANA', at('10-01 08:00'), { expires_at: at('10-03 00:00') })
const uses = [at('10-01 09:00'), at('10-01 15:00'), at('10-02 09:00')].map((time) => request({ time, credential_id: 'AT.dana' }))

/**
 * The rollup's action counts per hour and identity, and the same counted from the stored actions
 * themselves; `flags`: with the actions flagged after deprovisioning.
 */
async function rollupAndActions(flags = false) {
  const settings = { output_format_json_quote_64bit_integers: 0 }
  const [rolled, counted] = flags ? [sql`, after_deprovision`, sql`, countIf(after_deprovision = 1) AS after_deprovision`] : [sql``, sql``]
  const rollup = await query(
    sql`SELECT toString(hour) AS hour, identity, actions ${rolled} FROM attributed_hours FINAL WHERE actions > 0 ORDER BY hour, identity`,
    { tag: 'test', settings },
  )
  const actions = await query(
    sql`SELECT toString(toStartOfHour(time)) AS hour, identity, count() AS actions ${counted}
      FROM attributed_actions FINAL GROUP BY hour, identity ORDER BY hour, identity`,
    { tag: 'test', settings },
  )
  return { rollup, actions }
}

const rollupVersions = () => query(sql`SELECT toString(hour) AS hour, max(version) AS version FROM attributed_hours GROUP BY hour ORDER BY hour`, { tag: 'test' })

describe('the hourly rollup after a maintenance run', () => {
  it('is left as it was when the actions a run re-attributes come out as they were', { timeout: 60_000 }, async () => {
    await store({ facts: [dana, danaToken], requests: uses })
    await maintainAttribution()
    const before = await rollupVersions()
    // a revocation after every use: the credential changed, so its actions are re-attributed; none reads differently
    await store({ facts: [revocation('AT.dana', at('10-02 20:00'))] })
    expect((await maintainAttribution()).kind).toBe('incremental')
    expect(await rollupVersions(), 'no hour recounted').toEqual(before)
    const { rollup, actions } = await rollupAndActions()
    expect(rollup).toEqual(actions)
  })

  it('recounts the hours a run changed, and those of a run killed before its rollup', { timeout: 60_000 }, async () => {
    await store({ requests: uses })
    await maintainAttribution()
    expect((await rollupAndActions()).rollup).toEqual([
      { hour: '2026-10-01 09:00:00', identity: '', actions: 1 },
      { hour: '2026-10-01 15:00:00', identity: '', actions: 1 },
      { hour: '2026-10-02 09:00:00', identity: '', actions: 1 },
    ])
    await store({ facts: [dana, danaToken] }) // late IdP facts: the actions are Dana's now
    crash.beforeRollup = true
    await expect(maintainAttribution()).rejects.toThrow('killed before the rollup')
    expect((await maintainAttribution()).kind, 'the watermarks did not move: the same run again').toBe('incremental')
    const { rollup, actions } = await rollupAndActions()
    expect(rollup).toEqual(actions)
    expect(rollup.map((r) => (r as { identity: string }).identity)).toEqual(['dana@example.com', 'dana@example.com', 'dana@example.com'])
  })

  it('recounts the hours whose actions a late trigger flags after deprovisioning, and no other', { timeout: 60_000 }, async () => {
    await store({ facts: [dana, danaToken], requests: uses })
    await maintainAttribution()
    const before = await rollupVersions()
    // Dana deprovisioned between her first and second use: only the later two actions' flags flip
    await store({ facts: [trigger('00uDANA', at('10-01 12:00'))] })
    expect((await maintainAttribution()).kind).toBe('incremental')
    const { rollup, actions } = await rollupAndActions(true)
    expect(rollup).toEqual(actions)
    expect(rollup.map((r) => (r as { after_deprovision: number }).after_deprovision)).toEqual([0, 1, 1])
    const after = await rollupVersions()
    expect(after[0], 'the hour before the trigger is not recounted').toEqual(before[0])
    expect(after.slice(1)).not.toEqual(before.slice(1))
  })

  it('recounts the hours of flags a run killed before its rollup flipped, which the next run finds flipped already', { timeout: 60_000 }, async () => {
    await store({ facts: [dana, danaToken], requests: uses })
    await maintainAttribution()
    await store({ facts: [trigger('00uDANA', at('10-01 12:00'))] })
    crash.beforeRollup = true
    await expect(maintainAttribution()).rejects.toThrow('killed before the rollup')
    expect((await maintainAttribution()).kind).toBe('incremental')
    const { rollup, actions } = await rollupAndActions(true)
    expect(rollup).toEqual(actions)
    expect(rollup.map((r) => (r as { after_deprovision: number }).after_deprovision)).toEqual([0, 1, 1])
  })
})
