import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { OKTA_TRIGGERS, oktaSource } from '@/lib/sources/okta'
import { secretFingerprint } from '@/lib/sources/fingerprint'
import { BLANK_FACT_DETAILS, type IdpFactRow } from '@/lib/sources/types'

const FIXTURES = path.join(import.meta.dirname, '../fixtures/okta')

function fixture(name: string): { record: Record<string, unknown>; raw: string } {
  const raw = fs.readFileSync(path.join(FIXTURES, name), 'utf8')
  return { record: JSON.parse(raw), raw }
}

function factsOf(record: unknown, raw = JSON.stringify(record)): IdpFactRow[] {
  const result = oktaSource.parse(record, raw)
  if (!result.ok) throw new Error(`expected the record to parse, got "${result.error}"`)
  expect(result.requests).toEqual([])
  return result.facts
}

function factsOfFixture(name: string): IdpFactRow[] {
  const { record, raw } = fixture(name)
  return factsOf(record, raw)
}

/** The record with some top-level fields changed (eventType, outcome, published …). */
function variant(name: string, change: Record<string, unknown>): Record<string, unknown> {
  return { ...fixture(name).record, ...change }
}

/** An expected row: the record's fields, then what the fact states; blanks elsewhere. */
function fact(record: { uuid: string; published: string; eventType: string }, index: number, stated: Partial<IdpFactRow>): IdpFactRow {
  return {
    event_id: record.uuid,
    fact_index: index,
    source: 'okta',
    time: record.published,
    kind: 'other',
    vendor_event_type: record.eventType,
    ...BLANK_FACT_DETAILS,
    raw: '',
    ...stated,
  }
}

function withoutRaw(facts: IdpFactRow[]): IdpFactRow[] {
  return facts.map((f) => ({ ...f, raw: '' }))
}

const REPORTING_AGENT = { subject_kind: 'service', subject_id: '0oa9rptAgnt7Xk2Lq5d7', client_id: '0oa9rptAgnt7Xk2Lq5d7' } as const
const DOCS_ASSISTANT = { subject_kind: 'service', subject_id: '0oa4dcsAsst2Wn8Rt5d7', client_id: '0oa4dcsAsst2Wn8Rt5d7' } as const
const DANA = { subject_kind: 'person', subject_id: '00u8danaLee4Kq2Xp5d7' } as const
const DANA_IDENTITY = { kind: 'identity', ...DANA, email: 'dana.lee@example.com', login: 'dana.lee@example.com', display_name: 'Dana Lee' } as const
const IT_ADMIN_IDENTITY = {
  kind: 'identity', subject_kind: 'person', subject_id: '00u2adm1nQx7Lk3Zp5d7',
  email: 'it-admin@example.com', login: 'it-admin@example.com', display_name: 'IT Admin',
} as const

const GRANT = { uuid: '3c1f5b7e-8a2d-11f0-9c41-7d2b6f0e4a19', published: '2026-03-04T15:22:41.318Z', eventType: 'app.oauth2.as.token.grant.access_token' }
const AUTH_CODE = { uuid: '5b8e0d42-8a0b-11f0-a3f7-0b6c9e2d1f58', published: '2026-03-04T09:15:03.127Z', eventType: 'app.oauth2.as.token.grant' }
const DEACTIVATE = { uuid: '9e2d4c80-8a31-11f0-b7c2-1f4e2a9d6b33', published: '2026-03-04T16:02:17.904Z', eventType: 'user.lifecycle.deactivate' }

describe('Okta token grants', () => {
  it('records a client-credentials access token as a service credential with its logged expiry', () => {
    const { raw } = fixture('client-credentials-grant.json')
    expect(factsOfFixture('client-credentials-grant.json')).toEqual([
      fact(GRANT, 0, {
        kind: 'credential', ...REPORTING_AGENT,
        credential_id: 'AT.f3K9xQ1mZc7bV0rT4yWp2nLs8dE6hJ5aG1uO3iR9kYw', credential_type: 'oauth_access',
        issued_at: '2026-03-04T15:22:41.318Z', expires_at: '2026-03-04T16:22:41.000Z', raw,
      }),
      fact(GRANT, 1, { kind: 'identity', ...REPORTING_AGENT, display_name: 'Reporting Agent' }),
    ])
  })

  it('records the access and refresh token of an authorization-code grant as the user\'s credentials', () => {
    const facts = factsOfFixture('authorization-code-grant.json')
    expect(withoutRaw(facts)).toEqual([
      fact(AUTH_CODE, 0, {
        kind: 'credential', ...DANA, client_id: '0oa4dcsAsst2Wn8Rt5d7',
        credential_id: 'AT.q8Zr3Lm0Xc5Vb2Nk7Wp4Ts1Yd9Fh6Gj3Ka0Qe8Ru5Io.oar7mQ2zL9xKp4Vt1d7', credential_type: 'oauth_access',
        issued_at: '2026-03-04T09:15:03.127Z', expires_at: '2026-03-04T10:15:03.000Z',
      }),
      fact(AUTH_CODE, 1, {
        kind: 'credential', ...DANA, client_id: '0oa4dcsAsst2Wn8Rt5d7',
        credential_id: 'oar7mQ2zL9xKp4Vt1d7', credential_type: 'oauth_refresh',
        issued_at: '2026-03-04T09:15:03.127Z', expires_at: null,
      }),
      fact(AUTH_CODE, 2, { kind: 'identity', ...DOCS_ASSISTANT, display_name: 'Docs Assistant' }),
    ])
  })

  it('keeps the raw record on the first fact only, all facts sharing the uuid as event id', () => {
    const { raw } = fixture('authorization-code-grant.json')
    const facts = factsOfFixture('authorization-code-grant.json')
    expect(facts.map((f) => [f.event_id, f.fact_index, f.raw])).toEqual([
      [AUTH_CODE.uuid, 0, raw],
      [AUTH_CODE.uuid, 1, ''],
      [AUTH_CODE.uuid, 2, ''],
    ])
  })

  it.each([
    'app.oauth2.token.grant.access_token',
    'app.oauth2.as.token.grant.refresh_token',
    'app.oauth2.token.grant',
    'app.oauth2.as.authorize.implicit.access_token',
  ])('treats %s as a token grant', (eventType) => {
    const facts = factsOf(variant('client-credentials-grant.json', { eventType }))
    expect(facts.map((f) => [f.kind, f.credential_id])).toEqual([
      ['credential', 'AT.f3K9xQ1mZc7bV0rT4yWp2nLs8dE6hJ5aG1uO3iR9kYw'],
      ['identity', ''],
    ])
  })

  it('takes the subject from the actor when the token names none, a user actor making a person credential', () => {
    const { record } = fixture('client-credentials-grant.json')
    const facts = factsOf({
      ...record,
      eventType: 'app.oauth2.token.grant.access_token',
      actor: { id: '00u5samPark7Tq1Wx3d7', type: 'User', alternateId: 'sam.park@example.com', displayName: 'Sam Park' },
      client: { id: '0oa6wikiMcp3Rs8Lt5d7' },
      target: [{ id: 'AT.w1Xy2Zz3', type: 'access_token', detailEntry: null }],
      debugContext: { debugData: { grantType: 'password' } },
    })
    expect(facts[0]).toMatchObject({
      kind: 'credential', subject_kind: 'person', subject_id: '00u5samPark7Tq1Wx3d7',
      client_id: '0oa6wikiMcp3Rs8Lt5d7', credential_id: 'AT.w1Xy2Zz3', expires_at: null,
    })
  })

  it('stores a failed grant as one `other` fact and nothing else', () => {
    const { raw } = fixture('failed-grant.json')
    const record = { uuid: 'a1c5e9f3-8a31-11f0-b7c2-83d7f1a4c6e9', published: '2026-03-04T16:05:40.612Z', eventType: 'app.oauth2.as.token.grant' }
    expect(factsOfFixture('failed-grant.json')).toEqual([fact(record, 0, { kind: 'other', raw })])
  })

  it.each(['DENY', 'FAILURE', 'CHALLENGE'])('reads no credential from a %s outcome', (result) => {
    const facts = factsOf(variant('client-credentials-grant.json', { outcome: { result, reason: null } }))
    expect(facts.map((f) => f.kind)).toEqual(['other'])
  })

  it('reads facts when the outcome is ALLOW or absent', () => {
    for (const outcome of [{ result: 'ALLOW' }, null, undefined]) {
      const facts = factsOf(variant('client-credentials-grant.json', { outcome }))
      expect(facts.map((f) => f.kind)).toEqual(['credential', 'identity'])
    }
  })
})

describe('Okta revocations', () => {
  it('records an explicit token revocation for the revoked token id', () => {
    const record = { uuid: '7d4f9b26-8a1c-11f0-9e63-2a8c5d0f3b71', published: '2026-03-04T11:00:00.250Z', eventType: 'app.oauth2.as.token.revoke' }
    expect(withoutRaw(factsOfFixture('explicit-revoke.json'))).toEqual([
      fact(record, 0, {
        kind: 'revocation', client_id: '0oa4dcsAsst2Wn8Rt5d7',
        credential_id: 'AT.q8Zr3Lm0Xc5Vb2Nk7Wp4Ts1Yd9Fh6Gj3Ka0Qe8Ru5Io.oar7mQ2zL9xKp4Vt1d7', credential_type: 'oauth_access',
      }),
      fact(record, 1, { kind: 'identity', ...DOCS_ASSISTANT, display_name: 'Docs Assistant' }),
    ])
  })

  it('records the org authorization server\'s revocation the same way', () => {
    const facts = factsOf(variant('explicit-revoke.json', { eventType: 'app.oauth2.token.revoke' }))
    expect(facts[0]).toMatchObject({ kind: 'revocation', credential_id: 'AT.q8Zr3Lm0Xc5Vb2Nk7Wp4Ts1Yd9Fh6Gj3Ka0Qe8Ru5Io.oar7mQ2zL9xKp4Vt1d7' })
  })

  it('records "tokens revoked for user" as a subject-wide revocation, the system actor being nobody', () => {
    const record = { uuid: '9e31a7f4-8a31-11f0-b7c2-6d0e3c5a8b14', published: '2026-03-04T16:02:18.377Z', eventType: 'app.oauth2.token.revoke.implicit.user' }
    expect(withoutRaw(factsOfFixture('implicit-user-revoke.json'))).toEqual([
      fact(record, 0, { kind: 'subject_revocation', ...DANA }),
      fact(record, 1, DANA_IDENTITY),
    ])
  })

  it.each(['user.session.clear', 'user.authentication.universal_logout'])('treats %s as a subject-wide revocation of the user', (eventType) => {
    const facts = factsOf(variant('implicit-user-revoke.json', { eventType }))
    expect(facts[0]).toMatchObject({ kind: 'subject_revocation', ...DANA })
  })

  it('treats "tokens revoked for client" as a subject-wide revocation of the service', () => {
    const { record } = fixture('event-hook.json')
    const deactivate = (record.data as { events: Record<string, unknown>[] }).events[1]
    const facts = factsOf({ ...deactivate, eventType: 'app.oauth2.token.revoke.implicit.client' })
    expect(facts.map((f) => [f.kind, f.subject_kind, f.subject_id, f.client_id])).toEqual([
      ['subject_revocation', 'service', '0oa9rptAgnt7Xk2Lq5d7', '0oa9rptAgnt7Xk2Lq5d7'],
      ['identity', 'service', '0oa9rptAgnt7Xk2Lq5d7', '0oa9rptAgnt7Xk2Lq5d7'],
      ['identity', 'person', '00u2adm1nQx7Lk3Zp5d7', ''],
    ])
  })
})

describe('Okta API tokens', () => {
  it('records a created SSWS token as an api_key credential of the admin who created it, by its 00T record id', () => {
    const record = { uuid: '2f6a8c14-8920-11f0-8b4e-9c1d5e7a3f20', published: '2026-03-02T10:00:00.512Z', eventType: 'system.api_token.create' }
    expect(withoutRaw(factsOfFixture('api-token-create.json'))).toEqual([
      fact(record, 0, {
        kind: 'credential', subject_kind: 'person', subject_id: '00u2adm1nQx7Lk3Zp5d7',
        credential_id: '00T4hrSync9Qm1Lx7d7', credential_type: 'api_key',
        issued_at: '2026-03-02T10:00:00.512Z', expires_at: null,
      }),
      fact(record, 1, IT_ADMIN_IDENTITY),
    ])
  })

  it('records a revoked SSWS token, also when the system revoked it for disuse', () => {
    const record = { uuid: 'c7e1b3d5-9f8a-11f0-a2c6-4b9e0d7f1a35', published: '2026-04-04T00:00:03.412Z', eventType: 'system.api_token.revoke' }
    expect(withoutRaw(factsOfFixture('api-token-revoke.json'))).toEqual([
      fact(record, 0, { kind: 'revocation', credential_id: '00T4hrSync9Qm1Lx7d7', credential_type: 'api_key' }),
    ])
  })
})

describe('Okta deprovisioning triggers', () => {
  it('records a user deactivation as a trigger for the user, with both people as identities', () => {
    expect(withoutRaw(factsOfFixture('user-deactivate.json'))).toEqual([
      fact(DEACTIVATE, 0, { kind: 'trigger', ...DANA }),
      fact(DEACTIVATE, 1, IT_ADMIN_IDENTITY),
      fact(DEACTIVATE, 2, DANA_IDENTITY),
    ])
  })

  it('lists exactly the trigger event types metrics.md names for Okta', () => {
    expect([...OKTA_TRIGGERS.keys()].sort()).toEqual([
      'app.oauth2.client.lifecycle.deactivate',
      'app.oauth2.client.lifecycle.delete',
      'user.lifecycle.deactivate',
      'user.lifecycle.delete.initiated',
      'user.lifecycle.suspend',
      'workload_principal.ai_agent.deactivate',
      'workload_principal.ai_agent.delete',
    ])
  })

  it.each(['user.lifecycle.suspend', 'user.lifecycle.delete.initiated'])('treats %s as a trigger for the user', (eventType) => {
    expect(factsOf(variant('user-deactivate.json', { eventType }))[0]).toMatchObject({ kind: 'trigger', ...DANA })
  })

  it.each(['user.lifecycle.delete.completed', 'user.lifecycle.reactivate', 'user.lifecycle.unsuspend'])('does not treat %s as a trigger', (eventType) => {
    expect(factsOf(variant('user-deactivate.json', { eventType })).map((f) => f.kind)).toEqual(['identity', 'identity'])
  })

  it('does not treat the completed deletion fixture as a trigger', () => {
    expect(factsOfFixture('user-delete-completed.json').map((f) => [f.kind, f.subject_id])).toEqual([
      ['identity', '00u2adm1nQx7Lk3Zp5d7'],
      ['identity', '00u8danaLee4Kq2Xp5d7'],
    ])
  })

  it('records a deactivated AI agent as a service trigger on its workload principal id', () => {
    const record = { uuid: 'f2a6c0e4-8b02-11f0-b4d8-7e1c3a5f9d26', published: '2026-03-06T08:45:30.020Z', eventType: 'workload_principal.ai_agent.deactivate' }
    const agent = { subject_kind: 'service', subject_id: 'wlp3bldAgnt5Pq8Zr1d7' } as const
    expect(withoutRaw(factsOfFixture('ai-agent-deactivate.json'))).toEqual([
      fact(record, 0, { kind: 'trigger', ...agent }),
      fact(record, 1, { kind: 'identity', ...agent, display_name: 'Build Agent' }),
      fact(record, 2, IT_ADMIN_IDENTITY),
    ])
  })

  it('treats a deleted AI agent as a trigger too', () => {
    const facts = factsOf(variant('ai-agent-deactivate.json', { eventType: 'workload_principal.ai_agent.delete' }))
    expect(facts[0]).toMatchObject({ kind: 'trigger', subject_kind: 'service', subject_id: 'wlp3bldAgnt5Pq8Zr1d7' })
  })
})

describe('Okta identities and other records', () => {
  it('lower-cases the e-mail of a sign-in but keeps the login as Okta wrote it', () => {
    const record = { uuid: '4a7c2e10-8a0b-11f0-8d15-5f3a1b9c7e02', published: '2026-03-04T09:14:21.045Z', eventType: 'user.session.start' }
    const { raw } = fixture('session-start.json')
    expect(factsOfFixture('session-start.json')).toEqual([
      fact(record, 0, { ...DANA_IDENTITY, login: 'Dana.Lee@Example.com', raw }),
    ])
  })

  it('leaves the e-mail blank when the login is not an e-mail address', () => {
    const facts = factsOf(variant('session-start.json', { actor: { id: '00u1jdoe', type: 'User', alternateId: 'jdoe', displayName: 'J. Doe' } }))
    expect(facts[0]).toMatchObject({ kind: 'identity', subject_id: '00u1jdoe', login: 'jdoe', email: '' })
  })

  it('stores a record that states nothing (system actor, null target) as one `other` fact', () => {
    const record = { uuid: '0b3d5f71-8a2e-11f0-8c9a-1f5b7d9e3a60', published: '2026-03-04T15:30:00.000Z', eventType: 'system.org.rate_limit.warning' }
    const { raw } = fixture('rate-limit-warning.json')
    expect(factsOfFixture('rate-limit-warning.json')).toEqual([fact(record, 0, { kind: 'other', raw })])
  })

  it('normalizes published to UTC with milliseconds', () => {
    const facts = factsOf(variant('client-credentials-grant.json', { published: '2026-03-04T17:22:41.318123+02:00' }))
    expect(facts[0]).toMatchObject({ time: '2026-03-04T15:22:41.318Z', issued_at: '2026-03-04T15:22:41.318Z' })
  })

  it('does not mistake an event type named like an object property for a known one', () => {
    expect(factsOf(variant('rate-limit-warning.json', { eventType: 'constructor' })).map((f) => f.kind)).toEqual(['other'])
  })
})

describe('Okta secrets', () => {
  const JWT = 'eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIwMHU1c2FtUGFyazdUcTFXeDNkNyIsImp0aSI6IkFULnNlY3JldCJ9.c2lnbmF0dXJlLWJ5dGVz'
  const BEARER = '4f9c2e7a1b8d3f6e0a5c9b2d7e1f4a8c'
  const CLIENT_SECRET = 'kR7#pQ2!zX9vL4mN'

  it('stores a token or secret found in debugData only as its sha256 fingerprint', () => {
    const facts = factsOfFixture('secret-in-debug-data.json')
    const stored = JSON.stringify(facts)
    for (const secret of [JWT, BEARER, CLIENT_SECRET]) expect(stored).not.toContain(secret)
    const raw = JSON.parse(facts[0].raw)
    expect(raw.debugContext.debugData).toEqual({
      requestUri: '/oauth2/v1/authorize',
      url: `/callback?state=af0ifjsldkj&access_token=${secretFingerprint(JWT)}&token_type=Bearer`,
      authorization: `Bearer ${secretFingerprint(BEARER)}`,
      client_secret: secretFingerprint(CLIENT_SECRET),
    })
    expect(raw.actor.displayName).toBe('Sam Park')
  })

  it('finds secrets by any spelling of their name, and by their shape, anywhere in the record', () => {
    const record = variant('session-start.json', {
      debugContext: { debugData: { clientSecret: 'okta-cs-1', 'X-Api-Key': 'okta-xk-1', note: `key ghp_${'Ab1'.repeat(12)}` } },
    })
    const raw = JSON.parse(factsOf(record)[0].raw)
    expect(raw.debugContext.debugData).toEqual({
      clientSecret: secretFingerprint('okta-cs-1'),
      'X-Api-Key': secretFingerprint('okta-xk-1'),
      note: `key ${secretFingerprint(`ghp_${'Ab1'.repeat(12)}`)}`,
    })
  })

  it('leaves a record without secrets byte for byte as it came', () => {
    const { raw } = fixture('client-credentials-grant.json')
    expect(factsOfFixture('client-credentials-grant.json')[0].raw).toBe(raw)
  })
})

describe('Okta Event Hook deliveries', () => {
  it('expands a delivery into its LogEvents, each parsed like a System Log record', () => {
    const events = oktaSource.expand!(fixture('event-hook.json').record)
    expect(events).toHaveLength(2)
    const [clear, deactivate] = events!.map((event) => factsOf(event))
    const clearRecord = { uuid: '5e1f7a93-8b10-11f0-a7c4-9b3d5f1e7c20', published: '2026-03-06T09:12:40.318Z', eventType: 'user.session.clear' }
    const sam = { subject_kind: 'person', subject_id: '00u5samPark7Tq1Wx3d7' } as const
    expect(withoutRaw(clear)).toEqual([
      fact(clearRecord, 0, { kind: 'subject_revocation', ...sam }),
      fact(clearRecord, 1, IT_ADMIN_IDENTITY),
      fact(clearRecord, 2, { kind: 'identity', ...sam, email: 'sam.park@example.com', login: 'sam.park@example.com', display_name: 'Sam Park' }),
    ])
    const deactivateRecord = { uuid: '5e2a8b04-8b10-11f0-a7c4-4c8e2a6d0f31', published: '2026-03-06T09:12:42.907Z', eventType: 'app.oauth2.client.lifecycle.deactivate' }
    expect(withoutRaw(deactivate)).toEqual([
      fact(deactivateRecord, 0, { kind: 'trigger', ...REPORTING_AGENT }),
      fact(deactivateRecord, 1, { kind: 'identity', ...REPORTING_AGENT, display_name: 'Reporting Agent' }),
      fact(deactivateRecord, 2, IT_ADMIN_IDENTITY),
    ])
  })

  it('says a single LogEvent, a list or another document is not a delivery', () => {
    expect(oktaSource.expand!(fixture('client-credentials-grant.json').record)).toBeNull()
    expect(oktaSource.expand!([fixture('client-credentials-grant.json').record])).toBeNull()
    expect(oktaSource.expand!({ eventType: 'com.okta.event_hook', data: {} })).toBeNull()
    expect(oktaSource.expand!('com.okta.event_hook')).toBeNull()
  })

  it('rejects a delivery passed as one record, naming the missing field', () => {
    expect(oktaSource.parse(fixture('event-hook.json').record, '{}')).toEqual({ ok: false, error: 'uuid: required' })
  })
})

describe('Okta malformed records', () => {
  it.each([
    ['missing-published.json', 'published: required'],
    ['published-not-iso.json', 'published: not an ISO 8601 time'],
    ['event-type-missing.json', 'eventType: required'],
    ['target-not-a-list.json', 'target: expected array, received object'],
    ['token-expiry-not-iso.json', 'target.0.detailEntry.expires: not an ISO 8601 time'],
    ['token-without-id.json', 'target.1.id: required'],
    ['not-a-log-event.json', 'record: expected object, received array'],
  ])('rejects %s with "%s"', (name, error) => {
    const { record, raw } = fixture(`malformed/${name}`)
    expect(oktaSource.parse(record, raw)).toEqual({ ok: false, error })
  })

  it('rejects a published time the store cannot hold', () => {
    const result = oktaSource.parse(variant('session-start.json', { published: '0001-01-01T00:00:00.000Z' }), '')
    expect(result).toEqual({ ok: false, error: 'published: not an ISO 8601 time' })
  })

  it('rejects a uuid that is not a string', () => {
    const result = oktaSource.parse(variant('session-start.json', { uuid: 42 }), '')
    expect(result).toEqual({ ok: false, error: 'uuid: expected string, received number' })
  })

  it('never echoes a rejected value in the error', () => {
    const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'
    const result = oktaSource.parse(variant('session-start.json', { published: secret }), '')
    expect(result).toEqual({ ok: false, error: 'published: not an ISO 8601 time' })
  })
})
