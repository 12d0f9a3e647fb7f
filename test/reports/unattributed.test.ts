import { beforeAll, describe, expect, it } from 'vitest'
import { unattributedReport } from '@/lib/reports/unattributed'
import { at, grant, person, request, revocation, service, store, trigger, twice } from './builders'
import { header, period, useReportStore } from './setup'

useReportStore('unattributed')

const day = period(at('10-01 00:00'), at('10-02 00:00'))

// Okta: Dana (login dana.lee), Lee, and a billing bot acting for itself.
const facts = [
  person('00uDANA', 'dana@example.com', { login: 'dana.lee', display_name: 'Dana Lee' }),
  person('00uLEE', 'lee@example.com', { display_name: 'Lee Chen' }),
  service('0oaBOT', 'Billing bot'),
  grant('AT.d1', '00uDANA', at('10-01 09:00')), // no expiry anywhere: expires at 10:00 (default lifetime)
  grant('AT.d2', '00uDANA', at('10-01 10:30'), { expires_at: at('10-01 11:30') }),
  revocation('AT.d2', at('10-01 11:00')),
  trigger('00uDANA', at('10-01 12:00')),
  grant('AT.bot', '0oaBOT', at('10-01 14:50'), { subject_kind: 'service', expires_at: at('10-01 15:50') }),
]

const requests = [
  request({ time: at('09-30 23:59'), session_id: 'S4', jwt_sub: '00uLEE' }), // before the period: seeds S4
  request({ time: at('10-01 00:00'), session_id: 'S4' }), // at `from`: inherits Lee
  request({ time: at('10-01 09:30'), session_id: 'S1', credential_id: 'AT.d1', user_claim: 'lee@example.com' }), // conflict
  request({ time: at('10-01 10:30'), session_id: 'S1' }), // inherits Dana
  request({ time: at('10-01 10:45'), credential_id: 'AT.d1', server: 'crm' }), // after expiry
  request({ time: at('10-01 11:15'), credential_id: 'AT.d2' }), // after revocation
  request({ time: at('10-01 12:30'), jwt_sub: '0oaBOT' }), // subject claim: the bot
  request({ time: at('10-01 13:00'), credential_id: 'AT.ghost', user_claim: 'DANA.LEE' }), // claim by login, after deprovision
  request({ time: at('10-01 13:10'), credential_id: 'AT.ghost2', client_name: 'cursor' }), // unknown credential
  request({ time: at('10-01 13:20'), user_claim: 'mallory@evil.test', client_name: 'cursor' }), // unmapped subject
  request({ time: at('10-01 13:30'), server: '', client_name: '' }), // no credential, unknown server and client
  request({ time: at('10-01 14:00'), session_id: 'S2', credential_id: 'AT.d1', outcome: 'denied' }), // refused: seeds nothing
  request({ time: at('10-01 14:05'), session_id: 'S2' }), // no credential
  request({ time: at('10-01 15:00'), session_id: 'S3', credential_id: 'AT.bot', method: 'initialize' }), // plumbing seeds
  request({ time: at('10-01 15:01'), session_id: 'S3' }), // inherits the bot
  request({ time: at('10-01 16:00'), session_id: 'S3', method: 'ping' }), // plumbing: not an action
  request({ time: at('10-01 17:00'), session_id: 'S5', credential_id: 'AT.d1' }), // after expiry and deprovision
  request({ time: at('10-01 17:00'), session_id: 'S5' }), // same millisecond: not earlier, so not inherited
  request({ time: at('10-01 18:00'), jwt_sub: '00uLEE', outcome: 'error' }), // an error is still an action
  request({ time: at('10-01 19:00'), session_id: 'S6', credential_id: 'AT.d1', method: 'initialize', outcome: 'denied' }),
  request({ time: at('10-01 19:01'), session_id: 'S6' }), // the refused initialize seeded nothing
  request({ time: at('10-02 00:00'), credential_id: 'AT.d1' }), // at `to`: outside
]

describe('unattributed report', () => {
  beforeAll(async () => {
    await store({
      facts: twice(facts, (f) => f.credential_id === 'AT.d1' || f.kind === 'trigger'),
      requests: twice(requests, (r) => r.credential_id === 'AT.d1' || r.session_id === 'S3'),
    })
  })

  it('counts every action of the period once, by method, reason, server, client and flag', async () => {
    expect(await unattributedReport(day)).toEqual({
      ...header('unattributed', day),
      total_actions: 16,
      attributed_actions: 10,
      unattributed_actions: 6,
      unattributed_ratio: 6 / 16,
      by_reason: { no_credential: 4, unknown_credential: 1, unmapped_subject: 1 },
      by_method: { credential: 4, subject_claim: 3, session: 3 },
      by_server: [
        { server: 'billing', total: 14, unattributed: 5 },
        { server: 'unknown', total: 1, unattributed: 1 },
        { server: 'crm', total: 1, unattributed: 0 },
      ],
      by_client: [
        { client: 'claude-code', total: 13, unattributed: 3 },
        { client: 'cursor', total: 2, unattributed: 2 },
        { client: 'unknown', total: 1, unattributed: 1 },
      ],
      flagged: { after_expiry: 2, after_revocation: 1, after_deprovision: 2, conflict: 1 },
      denied_requests: 2,
    })
  })

  it('answers zeros, not a division by zero, for a period without actions', async () => {
    const empty = period(at('11-20 00:00'), at('11-21 00:00'))
    expect(await unattributedReport(empty)).toEqual({
      ...header('unattributed', empty),
      total_actions: 0,
      attributed_actions: 0,
      unattributed_actions: 0,
      unattributed_ratio: 0,
      by_reason: { no_credential: 0, unknown_credential: 0, unmapped_subject: 0 },
      by_method: { credential: 0, subject_claim: 0, session: 0 },
      by_server: [],
      by_client: [],
      flagged: { after_expiry: 0, after_revocation: 0, after_deprovision: 0, conflict: 0 },
      denied_requests: 0,
    })
  })

  it('re-attributes earlier actions when the IdP events that explain them arrive late', async () => {
    const late = period(at('11-01 00:00'), at('11-02 00:00'))
    await store({
      requests: [
        request({ time: at('11-01 10:00'), credential_id: 'AT.late', session_id: 'S9' }),
        request({ time: at('11-01 10:05'), session_id: 'S9' }),
        request({ time: at('11-01 11:00'), user_claim: 'Pat@Example.com' }),
      ],
    })
    const before = await unattributedReport(late)
    expect(before.by_reason).toEqual({ no_credential: 1, unknown_credential: 1, unmapped_subject: 1 })
    expect(before.unattributed_actions).toBe(3)

    await store({
      facts: [
        grant('AT.late', '00uLEE', at('11-01 09:55')),
        person('guid-pat', 'pat@example.com', { source: 'entra', time: at('11-05 00:00') }),
      ],
    })
    const after = await unattributedReport(late)
    expect(after.by_method).toEqual({ credential: 1, subject_claim: 1, session: 1 })
    expect(after.unattributed_actions).toBe(0)
    expect(after.unattributed_ratio).toBe(0)
  })
})
