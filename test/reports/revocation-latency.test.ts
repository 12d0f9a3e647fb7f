import { beforeAll, describe, expect, it } from 'vitest'
import { revocationLatencyReport } from '@/lib/reports/revocation-latency'
import { at, fact, grant, inventoryKey, person, request, revocation, service, store, trigger, twice } from './builders'
import { header, period, useReportStore } from './setup'

useReportStore('revocation-latency')

const day = period(at('10-01 00:00'), at('10-02 00:00'), at('10-03 00:00'))

const facts = [
  person('00uDANA', 'dana@example.com'),
  person('guid-dana', 'Dana@Example.com', { source: 'entra' }),
  person('00uLEE', 'lee@example.com'),
  person('00uSAM', 'sam@example.com'),
  person('00uKIM', 'kim@example.com'),
  service('0oaBOT', 'Billing bot'),
  // Dana, deprovisioned at 12:00: three live credentials, from Okta, Entra and the key inventory
  grant('AT.old', '00uDANA', at('10-01 08:00')), // expired at 09:00: not live
  grant('AT.a', '00uDANA', at('10-01 11:30')), // default expiry 12:30: closes by expiry after 1800 s
  inventoryKey('sha256:key-dana', { type: 'api_key', created: at('09-01 00:00'), owner: 'dana@example.com' }),
  revocation('sha256:key-dana', at('10-01 12:20'), { source: 'keys' }), // 1200 s
  grant('uti-dana', 'guid-dana', at('10-01 11:00'), { source: 'entra', expires_at: at('10-01 13:00') }),
  fact({ source: 'entra', kind: 'subject_revocation', time: at('10-01 12:45'), subject_kind: 'person', subject_id: 'guid-dana' }), // 2700 s
  grant('AT.future', '00uDANA', at('10-01 12:10')), // issued after the trigger: not live
  trigger('00uDANA', at('10-01 12:00')),
  trigger('00uDANA', at('10-01 16:00'), { vendor_event_type: 'user.lifecycle.suspend' }), // every trigger counts; nothing live by then
  // Lee: a PAT that nobody revokes
  inventoryKey('sha256:pat-lee', { type: 'pat', created: at('06-01 00:00'), owner: 'lee@example.com' }),
  trigger('00uLEE', at('10-01 13:00')),
  // the bot: its token expired before the trigger
  grant('AT.bot', '0oaBOT', at('10-01 12:00'), { subject_kind: 'service', expires_at: at('10-01 13:00') }),
  trigger('0oaBOT', at('10-01 14:00'), { subject_kind: 'service', vendor_event_type: 'application.lifecycle.deactivate' }),
  // Sam: revoked two hours after the trigger
  grant('AT.sam', '00uSAM', at('10-01 14:30'), { expires_at: at('10-01 18:00') }),
  revocation('AT.sam', at('10-01 17:00')),
  trigger('00uSAM', at('10-01 15:00')),
  // Kim: the token expires only after the report is generated
  grant('AT.kim', '00uKIM', at('10-01 19:30'), { expires_at: at('10-05 00:00') }),
  trigger('00uKIM', at('10-01 20:00')),
  trigger('00uKIM', at('10-02 00:00')), // at `to`: outside
  trigger('00uOLD', at('09-30 12:00')), // before the period
]

const requests = [
  request({ time: at('10-01 11:00'), credential_id: 'AT.old' }), // before any trigger
  request({ time: at('10-01 12:10'), credential_id: 'AT.a' }), // post-trigger
  request({ time: at('10-01 12:11'), credential_id: 'AT.a', outcome: 'denied' }), // refused: not an action
  request({ time: at('10-01 12:15'), credential_id: 'sha256:key-dana', auth_scheme: 'api_key' }), // post-trigger
  request({ time: at('10-01 13:00'), credential_id: 'sha256:key-dana', auth_scheme: 'api_key' }), // post-trigger, post-revocation
  request({ time: at('10-01 13:00'), user_claim: 'nobody@example.com' }), // unattributed
  request({ time: at('10-01 14:00'), credential_id: 'sha256:pat-lee', auth_scheme: 'api_key' }), // post-trigger
  request({ time: at('10-01 15:00'), jwt_sub: '0oaBOT' }), // post-trigger: attributed to the bot
  request({ time: at('10-01 17:30'), credential_id: 'AT.sam' }), // post-trigger, post-revocation
  request({ time: at('10-01 19:45'), credential_id: 'AT.kim' }), // before Kim's trigger
  request({ time: at('10-02 01:00'), credential_id: 'AT.sam' }), // post-trigger after `to`; not in the period
  request({ time: at('10-02 10:00'), user_claim: 'dana@example.com' }), // post-trigger after `to`
  request({ time: at('10-04 00:00'), user_claim: 'dana@example.com' }), // after generated_at: not counted
]

describe('revocation-latency report', () => {
  beforeAll(async () => {
    await store({
      facts: twice(facts, (f) => f.kind === 'trigger' && f.subject_id === '00uSAM'),
      requests: twice(requests, (r) => r.credential_id === 'AT.a'),
    })
  })

  it('measures how long each trigger left credentials live, and what used them after', async () => {
    expect(await revocationLatencyReport(day)).toEqual({
      ...header('revocation-latency', day),
      triggers: 6,
      with_live_credentials: 4,
      unresolved: 2,
      latency_seconds: { p50: 2700, p95: 7200, max: 7200 },
      within_sla: 3,
      closed_by_expiry: 1,
      post_trigger_actions: 8,
      post_revocation_actions: 2,
    })
  })

  it('leaves a trigger unresolved while a credential is open at generated_at', async () => {
    const early = { ...day, now: new Date(at('10-01 12:40')) }
    expect(await revocationLatencyReport(early)).toMatchObject({
      generated_at: at('10-01 12:40'),
      triggers: 6,
      with_live_credentials: 4,
      unresolved: 4, // Dana's Entra token (12:45), Lee, Sam (17:00) and Kim are open at 12:40
      latency_seconds: { p50: null, p95: null, max: null },
      within_sla: 2, // the bot and Dana's second trigger: nothing live
      closed_by_expiry: 1, // Dana's Okta token, expired at 12:30
      post_trigger_actions: 2, // Dana's actions at 12:10 and 12:15; later ones come after generated_at
    })
  })

  it('answers zeros and null percentiles for a period without triggers', async () => {
    const quiet = period(at('11-01 00:00'), at('11-02 00:00'), at('11-03 00:00'))
    expect(await revocationLatencyReport(quiet)).toEqual({
      ...header('revocation-latency', quiet),
      triggers: 0,
      with_live_credentials: 0,
      unresolved: 0,
      latency_seconds: { p50: null, p95: null, max: null },
      within_sla: 0,
      closed_by_expiry: 0,
      post_trigger_actions: 0,
      post_revocation_actions: 0,
    })
  })
})
