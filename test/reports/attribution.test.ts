import { beforeAll, describe, expect, it } from 'vitest'
import { attributionReport } from '@/lib/reports/attribution'
import { at, fact, grant, inventoryKey, person, request, service, store, trigger, twice } from './builders'
import { header, period, useReportStore } from './setup'

useReportStore('attribution')

const day = period(at('10-01 00:00'), at('10-02 00:00'))

const facts = [
  person('00uDANA', 'dana@example.com', { login: 'dana.lee', display_name: 'Dana Lee' }),
  person('guid-dana', 'Dana@Example.com', { source: 'entra', display_name: 'Dana L.', time: '2026-02-01T00:00:00.000Z' }), // newer name
  person('00uKIM', '', { login: 'kim' }), // no e-mail (yet): okta:00uKIM
  service('0oaBOT', 'Billing bot', { owner: '00uDANA' }), // owner named by Okta user id
  service('0oaORPHAN', 'Orphan agent'),
  inventoryKey('sha256:ci', { type: 'service_token', created: at('09-01 00:00'), serviceAccount: 'ci-runner', owner: 'lee@example.com' }),
  fact({ source: 'keys', kind: 'identity', time: at('09-01 00:00'), subject_kind: 'service', subject_id: 'ci-runner', display_name: 'ci-runner', owner: 'lee@example.com' }),
  grant('AT.d1', '00uDANA', at('10-01 09:00'), { expires_at: at('10-01 18:00') }),
  grant('AT.k', '00uKIM', at('10-01 09:00'), { expires_at: at('10-01 18:00') }),
  grant('AT.bot', '0oaBOT', at('10-01 09:00'), { subject_kind: 'service', expires_at: at('10-01 18:00') }),
  grant('AT.orphan', '0oaORPHAN', at('10-01 09:00'), { subject_kind: 'service', expires_at: at('10-01 18:00') }),
  trigger('0oaORPHAN', at('10-01 12:00'), { subject_kind: 'service' }),
]

const requests = [
  request({ time: at('10-01 09:10'), credential_id: 'AT.d1', session_id: 'S1' }),
  request({ time: at('10-01 09:20'), session_id: 'S1', method: 'resources/read', server: 'crm' }),
  request({ time: at('10-01 09:30'), user_claim: 'dana.lee', tool: 'create_invoice', client_name: 'cursor' }),
  request({ time: at('10-01 09:40'), credential_id: 'AT.d1', user_claim: 'KIM' }), // conflict
  request({ time: at('10-01 19:00'), credential_id: 'AT.d1' }), // after expiry
  request({ time: at('10-01 10:00'), credential_id: 'AT.bot' }),
  request({ time: at('10-01 10:05'), jwt_sub: '0oaBOT', server: 'crm' }),
  request({ time: at('10-01 11:00'), credential_id: 'AT.orphan' }),
  request({ time: at('10-01 13:00'), credential_id: 'AT.orphan' }), // after deprovision
  request({ time: at('10-01 10:00'), credential_id: 'AT.k' }),
  request({ time: at('10-01 10:30'), credential_id: 'sha256:ci', auth_scheme: 'api_key', credential_type: 'api_key' }),
  request({ time: at('10-01 10:00') }), // unattributed
  request({ time: at('10-01 10:01'), credential_id: 'AT.d1', outcome: 'denied' }), // not an action
]

const noFlags = { after_expiry: 0, after_revocation: 0, after_deprovision: 0, conflict: 0 }

const expectedIdentities = (kim: string) => [
  {
    identity: 'dana@example.com', kind: 'person', display_name: 'Dana L.', owner: null,
    actions: 5, servers: 2, tools: 2, clients: 2,
    first_action: at('10-01 09:10'), last_action: at('10-01 19:00'),
    by_method: { credential: 3, subject_claim: 1, session: 1 },
    flagged: { ...noFlags, after_expiry: 1, conflict: 1 },
  },
  {
    identity: 'client:0oaBOT', kind: 'service', display_name: 'Billing bot', owner: 'dana@example.com',
    actions: 2, servers: 2, tools: 1, clients: 1,
    first_action: at('10-01 10:00'), last_action: at('10-01 10:05'),
    by_method: { credential: 1, subject_claim: 1, session: 0 },
    flagged: noFlags,
  },
  {
    identity: 'client:0oaORPHAN', kind: 'service', display_name: 'Orphan agent', owner: null,
    actions: 2, servers: 1, tools: 1, clients: 1,
    first_action: at('10-01 11:00'), last_action: at('10-01 13:00'),
    by_method: { credential: 2, subject_claim: 0, session: 0 },
    flagged: { ...noFlags, after_deprovision: 1 },
  },
  {
    identity: kim, kind: 'person', display_name: null, owner: null,
    actions: 1, servers: 1, tools: 1, clients: 1,
    first_action: at('10-01 10:00'), last_action: at('10-01 10:00'),
    by_method: { credential: 1, subject_claim: 0, session: 0 },
    flagged: noFlags,
  },
  {
    identity: 'svc:ci-runner', kind: 'service', display_name: 'ci-runner', owner: 'lee@example.com',
    actions: 1, servers: 1, tools: 1, clients: 1,
    first_action: at('10-01 10:30'), last_action: at('10-01 10:30'),
    by_method: { credential: 1, subject_claim: 0, session: 0 },
    flagged: noFlags,
  },
]

describe('attribution report', () => {
  beforeAll(async () => {
    await store({ facts: twice(facts, (f) => f.subject_id === '0oaBOT'), requests: twice(requests, (r) => r.credential_id === 'AT.orphan') })
  })

  it('lists each identity with its actions, most first, then by key', async () => {
    expect(await attributionReport(day)).toEqual({
      ...header('attribution', day),
      identities: expectedIdentities('okta:00uKIM'),
      unattributed_actions: 1,
    })
  })

  it('moves a person to their e-mail key once any source gives the e-mail', async () => {
    await store({ facts: [person('00uKIM', 'Kim@Example.com', { time: at('11-01 00:00') })] })
    const report = await attributionReport(day)
    expect(report.identities).toEqual(
      expectedIdentities('kim@example.com').sort((a, b) => b.actions - a.actions || (a.identity < b.identity ? -1 : 1)),
    )
  })

  it('answers an empty list for a period without actions', async () => {
    const quiet = period(at('11-01 00:00'), at('11-02 00:00'))
    expect(await attributionReport(quiet)).toEqual({ ...header('attribution', quiet), identities: [], unattributed_actions: 0 })
  })

  it('lets an action inherit from the latest earlier seed of its session; same-millisecond seeds go to the smaller key', async () => {
    const switching = period(at('10-05 00:00'), at('10-06 00:00'))
    await store({
      facts: [grant('AT.d5', '00uDANA', at('10-05 09:00'), { expires_at: at('10-05 23:00') })],
      requests: [
        request({ time: at('10-05 10:00'), session_id: 'SW', credential_id: 'AT.d5' }), // seeds Dana
        request({ time: at('10-05 10:05'), session_id: 'SW' }), // Dana
        request({ time: at('10-05 10:10'), session_id: 'SW', jwt_sub: '0oaBOT', method: 'initialize' }), // seeds the bot
        request({ time: at('10-05 10:15'), session_id: 'SW' }), // the bot
        request({ time: at('10-05 10:20'), session_id: 'SW', user_claim: 'dana.lee', method: 'ping' }), // seeds Dana again
        request({ time: at('10-05 10:25'), session_id: 'SW' }), // Dana
        request({ time: at('10-05 11:00'), session_id: 'SW', jwt_sub: '0oaBOT', method: 'ping' }), // the bot and ...
        request({ time: at('10-05 11:00'), session_id: 'SW', credential_id: 'AT.d5', method: 'ping' }), // ... Dana, same ms
        request({ time: at('10-05 11:01'), session_id: 'SW' }), // client:0oaBOT < dana@example.com
      ],
    })
    const report = await attributionReport(switching)
    expect(report.identities.map((i) => [i.identity, i.actions, i.by_method])).toEqual([
      ['dana@example.com', 3, { credential: 1, subject_claim: 0, session: 2 }],
      ['client:0oaBOT', 2, { credential: 0, subject_claim: 0, session: 2 }],
    ])
    expect(report.unattributed_actions).toBe(0)
  })
})
