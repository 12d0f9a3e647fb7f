import { describe, expect, it } from 'vitest'
import { auth0Source } from '@/lib/sources/auth0'
import { factsOf, fixtureRecords, parseError, stated } from './vendor-fixtures'

const records = (name: string) => fixtureRecords(auth0Source, name)
const DANA = 'auth0|65f1c0ffee0123456789abcd'
const ASSISTANT = 'Pz4Qr6St8Uv0Wx2Yz4Ab6Cd8Ef0Gh2Ij'
const BILLING_AGENT = 'Xq7Lm2Np9Rs4Tu6Vw8Yz0Ab1Cd3Ef5Gh'

describe('Auth0 tenant logs', () => {
  const [m2m, codeExchange, login, deleted, blocked, renamed, clientDeleted, notice, failedRefresh] = records('auth0/logs-page.json')

  it('records a client-credentials token (seccft) as the M2M client\'s, by its access_token_jti', () => {
    const facts = factsOf(auth0Source, m2m)
    expect(facts[0]).toMatchObject({ source: 'auth0', vendor_event_type: 'seccft', time: '2026-03-04T15:30:12.345Z', event_id: expect.stringMatching(/^900202603041501/) })
    expect(stated(facts)).toEqual([
      { kind: 'credential', subject_kind: 'service', subject_id: BILLING_AGENT, client_id: BILLING_AGENT, credential_id: 'c1b29e0f4a7d4f6a9b3e5c7d1f2a4b6c', credential_type: 'oauth_access', issued_at: '2026-03-04T15:30:12.345Z' },
      { kind: 'identity', subject_kind: 'service', subject_id: BILLING_AGENT, client_id: BILLING_AGENT, display_name: 'billing-agent' },
    ])
  })

  it('records an authorization-code token (seacft) as the user\'s, and names the user by e-mail', () => {
    expect(stated(factsOf(auth0Source, codeExchange))).toEqual([
      { kind: 'credential', subject_kind: 'person', subject_id: DANA, client_id: ASSISTANT, credential_id: '0d6f8a2c4e1b4c7d9f3a5b7c9d1e3f5a', credential_type: 'oauth_access', issued_at: '2026-03-04T15:31:00.001Z' },
      { kind: 'identity', subject_kind: 'person', subject_id: DANA, email: 'dana.lee@example.com', login: 'Dana.Lee@Example.com' },
    ])
    expect(stated(factsOf(auth0Source, login))).toEqual([{ kind: 'identity', subject_kind: 'person', subject_id: DANA, email: 'dana.lee@example.com', login: 'dana.lee@example.com' }])
  })

  it('reads a deleted user (sdu), a blocked user and a deleted client (sapi) as triggers; other writes are not', () => {
    expect(stated(factsOf(auth0Source, deleted))).toEqual([{ kind: 'trigger', subject_kind: 'person', subject_id: DANA }])
    expect(stated(factsOf(auth0Source, blocked))).toEqual([{ kind: 'trigger', subject_kind: 'person', subject_id: DANA }])
    expect(stated(factsOf(auth0Source, renamed))).toEqual([{ kind: 'other' }])
    expect(stated(factsOf(auth0Source, clientDeleted))).toEqual([{ kind: 'trigger', subject_kind: 'service', subject_id: BILLING_AGENT, client_id: BILLING_AGENT }])
  })

  it('stores a deprecation notice and a failed refresh as other facts', () => {
    expect(factsOf(auth0Source, notice)).toMatchObject([{ kind: 'other', vendor_event_type: 'depnote' }])
    expect(factsOf(auth0Source, failedRefresh)).toMatchObject([{ kind: 'other', vendor_event_type: 'fertft' }])
  })

  it('never stores a password a Management API write carried in its body', () => {
    const record = JSON.parse(JSON.stringify(renamed)) as { details: { request: { body: Record<string, unknown> } } }
    record.details.request.body.password = 'hunter2-Correct-Horse-9'
    const result = auth0Source.parse(record, JSON.stringify(record))
    expect(result.ok).toBe(true)
    expect(JSON.stringify(result)).not.toContain('hunter2')
  })
})

describe('Auth0 log streams', () => {
  it('reads {"log_id", "data"} records and JSONOBJECT batches alike', () => {
    const [revoked, refreshed] = records('auth0/log-stream.ndjson')
    expect(factsOf(auth0Source, revoked)).toMatchObject([{ kind: 'identity', vendor_event_type: 'srrt', subject_id: DANA, time: '2026-03-04T16:03:09.871Z' }])
    expect(stated(factsOf(auth0Source, refreshed))[0]).toEqual({
      kind: 'credential', subject_kind: 'person', subject_id: 'google-oauth2|108734561209876543210', client_id: ASSISTANT,
      credential_id: '5e7a9c1e3b5d4f7a9c1e3b5d7f9a1c3e', credential_type: 'oauth_access', issued_at: '2026-03-04T16:10:00.000Z',
    })
    const batch = records('auth0/log-stream-batch.json')
    expect(batch.map((r) => factsOf(auth0Source, r)[0].event_id)).toEqual([revoked, refreshed].map((r) => factsOf(auth0Source, r)[0].event_id))
  })

  it('names the field and the reason for each bad record', () => {
    expect(records('auth0/malformed.ndjson').map((r) => parseError(auth0Source, r))).toEqual([
      'log_id: required',
      'date: expected an RFC 3339 time or epoch milliseconds',
      'type: required',
      'data.details: expected an object',
      'user_id: expected a string',
    ])
  })
})
