import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { allTriggers, parseTriggerQuery, triggersPage, type TriggerFilters, type TriggerRow } from '@/lib/populations/triggers'
import { revocationLatencyReport } from '@/lib/reports/revocation-latency'
import { at, fact, grant, inventoryKey, person, request, revocation, service, store, trigger, twice } from '../reports/builders'
import { period, useReportStore } from '../reports/setup'
import { triggerFilterExpectations } from './report-keys'

useReportStore('triggers-population')
afterAll(closeAppStore)

const generatedAt = at('10-03 00:00')
const day = period(at('10-01 00:00'), at('10-02 00:00'), generatedAt)
const window = { from: day.from, to: day.to }
const now = new Date(generatedAt)

const facts = [
  person('00uDANA', 'dana@example.com'),
  person('guid-dana', 'Dana@Example.com', { source: 'entra' }),
  person('00uLEE', 'lee@example.com'),
  person('00uSAM', 'sam@example.com'),
  person('00uKIM', 'kim@example.com'),
  service('0oaBOT', 'Billing bot'),
  grant('AT.a', '00uDANA', at('10-01 11:30')), // expires 12:30: 1800 s after Dana's trigger
  inventoryKey('sha256:key-dana', { type: 'api_key', created: at('09-01 00:00'), owner: 'dana@example.com' }),
  revocation('sha256:key-dana', at('10-01 12:20'), { source: 'keys' }),
  grant('uti-dana', 'guid-dana', at('10-01 11:00'), { source: 'entra', expires_at: at('10-01 13:00') }),
  fact({ source: 'entra', kind: 'subject_revocation', time: at('10-01 12:45'), subject_kind: 'person', subject_id: 'guid-dana' }), // 2700 s
  trigger('00uDANA', at('10-01 12:00')),
  trigger('00uDANA', at('10-01 16:00'), { vendor_event_type: 'user.lifecycle.suspend' }), // nothing live by then
  inventoryKey('sha256:pat-lee', { type: 'pat', created: at('06-01 00:00'), owner: 'lee@example.com' }), // never revoked
  trigger('00uLEE', at('10-01 13:00')),
  grant('AT.bot', '0oaBOT', at('10-01 12:00'), { subject_kind: 'service', expires_at: at('10-01 13:00') }),
  trigger('0oaBOT', at('10-01 14:00'), { subject_kind: 'service', vendor_event_type: 'application.lifecycle.deactivate' }),
  grant('AT.sam', '00uSAM', at('10-01 14:30'), { expires_at: at('10-01 18:00') }),
  revocation('AT.sam', at('10-01 17:00')), // 7200 s: over the one-hour SLA
  trigger('00uSAM', at('10-01 15:00')),
  grant('AT.kim', '00uKIM', at('10-01 19:30'), { expires_at: at('10-05 00:00') }), // open at generated_at
  trigger('00uKIM', at('10-01 20:00')),
  trigger('00uKIM', at('10-02 00:00')), // at `to`: outside
]

const requests = [
  request({ time: at('10-01 12:10'), credential_id: 'AT.a' }),
  request({ time: at('10-01 12:15'), credential_id: 'sha256:key-dana', auth_scheme: 'api_key' }),
  request({ time: at('10-01 14:00'), credential_id: 'sha256:pat-lee', auth_scheme: 'api_key' }),
  request({ time: at('10-01 15:00'), jwt_sub: '0oaBOT' }),
  request({ time: at('10-01 17:30'), credential_id: 'AT.sam' }),
  request({ time: at('10-02 10:00'), user_claim: 'dana@example.com' }), // after `to`, before generated_at: counts
  request({ time: at('10-04 00:00'), user_claim: 'dana@example.com' }), // after generated_at: does not
]

beforeAll(async () => {
  await store({ facts: twice(facts, (f) => f.kind === 'trigger'), requests })
})

const count = async (filters: TriggerFilters) => (await triggersPage(cliActor, window, filters, { per: 1 }, now)).total

describe('the triggers population', () => {
  it('counts, for every filter, the number the revocation-latency report gives', async () => {
    const report = await revocationLatencyReport(day)
    const expected = triggerFilterExpectations(report)
    const counted = []
    for (const c of expected) counted.push({ key: c.key, count: await count(c.filters) })
    expect(counted).toEqual(expected.map(({ key, count }) => ({ key, count })))
    expect(report).toMatchObject({ triggers: 6, unresolved: 2, with_live_credentials: 4, within_sla: 3 })
  })

  it('lists each trigger with its live credentials, when they closed, its latency and the actions after it', async () => {
    const rows: TriggerRow[] = []
    for await (const row of await allTriggers(cliActor, window, {}, now)) rows.push(row)
    const shown = rows.map(({ event_id, fact_index, ...rest }) => rest)
    expect(shown).toEqual([
      { identity: 'dana@example.com', trigger: 'user.lifecycle.deactivate', time: at('10-01 12:00'), source: 'okta', live_credentials: 3, closed_at: at('10-01 12:45'), latency_seconds: 2700, unresolved: false, post_trigger_actions: 3 },
      { identity: 'lee@example.com', trigger: 'user.lifecycle.deactivate', time: at('10-01 13:00'), source: 'okta', live_credentials: 1, closed_at: null, latency_seconds: null, unresolved: true, post_trigger_actions: 1 },
      { identity: 'client:0oaBOT', trigger: 'application.lifecycle.deactivate', time: at('10-01 14:00'), source: 'okta', live_credentials: 0, closed_at: at('10-01 14:00'), latency_seconds: 0, unresolved: false, post_trigger_actions: 1 },
      { identity: 'sam@example.com', trigger: 'user.lifecycle.deactivate', time: at('10-01 15:00'), source: 'okta', live_credentials: 1, closed_at: at('10-01 17:00'), latency_seconds: 7200, unresolved: false, post_trigger_actions: 1 },
      { identity: 'dana@example.com', trigger: 'user.lifecycle.suspend', time: at('10-01 16:00'), source: 'okta', live_credentials: 0, closed_at: at('10-01 16:00'), latency_seconds: 0, unresolved: false, post_trigger_actions: 1 },
      { identity: 'kim@example.com', trigger: 'user.lifecycle.deactivate', time: at('10-01 20:00'), source: 'okta', live_credentials: 1, closed_at: null, latency_seconds: null, unresolved: true, post_trigger_actions: 0 },
    ])
  })

  it('shows one identity’s triggers, one page at a time, each once', async () => {
    const first = await triggersPage(cliActor, window, { identity: 'dana@example.com' }, { per: 1 }, now)
    expect(first.total).toBe(2)
    const second = await triggersPage(cliActor, window, { identity: 'dana@example.com' }, { per: 1, after: first.next! }, now)
    expect([...first.rows, ...second.rows].map((r) => r.trigger)).toEqual(['user.lifecycle.deactivate', 'user.lifecycle.suspend'])
    expect(second.next).toBeNull()
  })

  it('reads its filters from the query string, naming a bad one', () => {
    expect(parseTriggerQuery({ unresolved: 'true', within_sla: 'false' }).filters).toEqual({ unresolved: true, within_sla: false })
    expect(() => parseTriggerQuery({ unresolved: '1' })).toThrow(expect.objectContaining({ field: 'unresolved', message: 'unresolved must be true or false' }))
  })
})
