import { describe, expect, it } from 'vitest'
import { keycloakSource } from '@/lib/sources/keycloak'
import { rawEventId } from '@/lib/sources/fingerprint'
import { factsOf, fixtureRecords, parseError, stated } from './vendor-fixtures'

const records = (name: string) => fixtureRecords(keycloakSource, name)
const DANA = '2b7d9e1f-3a5c-4e7f-9b1d-3f5a7c9e1b3d'
const token = (id: string, type: string, time: string, subject = DANA, kind = 'person', client = 'acme-assistant') =>
  ({ kind: 'credential', subject_kind: kind, subject_id: subject, client_id: client, credential_id: id, credential_type: type, issued_at: time })

describe('Keycloak user events', () => {
  const [codeToToken, login, clientLogin, refresh, refreshError, deleteAccount] = records('keycloak/events.json')

  it('records the access and refresh token of CODE_TO_TOKEN as the user\'s, at the event\'s epoch-ms time', () => {
    const facts = factsOf(keycloakSource, codeToToken)
    expect(facts[0]).toMatchObject({ source: 'keycloak', event_id: 'c4e1f0a2-7b3d-4e59-a8c6-1d2f3e4a5b6c', time: '2026-03-04T15:30:12.345Z', vendor_event_type: 'CODE_TO_TOKEN' })
    expect(stated(facts)).toEqual([
      token('onrtac:0d6f8a2c-4e1b-4c7d-9f3a-5b7c9d1e3f5a', 'oauth_access', '2026-03-04T15:30:12.345Z'),
      token('5e7a9c1e-3b5d-4f7a-9c1e-3b5d7f9a1c3e', 'oauth_refresh', '2026-03-04T15:30:12.345Z'),
      { kind: 'identity', subject_kind: 'person', subject_id: DANA, login: 'dana.lee' },
    ])
  })

  it('names the user of a LOGIN by e-mail; a refresh issues the rotated refresh token', () => {
    expect(stated(factsOf(keycloakSource, login))).toEqual([{ kind: 'identity', subject_kind: 'person', subject_id: DANA, email: 'dana.lee@example.com', login: 'Dana.Lee@Example.com' }])
    expect(stated(factsOf(keycloakSource, refresh)).slice(0, 2).map((f) => f.credential_id)).toEqual(['onrtrt:7c9e1a3b-5d7f-4c9e-9a3b-5d7f9c1e3a5b', '6f8b0d2f-4c6e-4f8b-8d2f-4c6e8f0b2d4f'])
  })

  it('gives a CLIENT_LOGIN token to the client, and an event without id is known by the hash of its record', () => {
    const facts = factsOf(keycloakSource, clientLogin)
    expect(facts[0].event_id).toBe(rawEventId(JSON.stringify(clientLogin)))
    expect(stated(facts)).toEqual([
      token('trrtcc:1a3c5e7b-9d1f-4a3c-8e7b-9d1f3a5c7e9b', 'oauth_access', '2026-03-04T15:31:40.000Z', 'reporting-agent', 'service', 'reporting-agent'),
      { kind: 'identity', subject_kind: 'service', subject_id: 'reporting-agent', client_id: 'reporting-agent' },
    ])
  })

  it('states nothing for an error event; DELETE_ACCOUNT is a trigger', () => {
    expect(stated(factsOf(keycloakSource, refreshError))).toEqual([{ kind: 'other' }])
    expect(stated(factsOf(keycloakSource, deleteAccount))[0]).toEqual({ kind: 'trigger', subject_kind: 'person', subject_id: '4d6f8b0d-2f4a-4d6f-8b0d-2f4a6d8f0b2d' })
  })
})

describe('Keycloak admin events', () => {
  const [disable, logout, deleted, rename, roleRemoved, noRepresentation] = records('keycloak/admin-events.json')

  it('reads a user update with "enabled":false and a user deletion as triggers', () => {
    expect(factsOf(keycloakSource, disable)).toMatchObject([{ kind: 'trigger', subject_id: DANA, vendor_event_type: 'UPDATE USER', time: '2026-03-04T16:02:55.000Z' }])
    expect(factsOf(keycloakSource, deleted)).toMatchObject([{ kind: 'trigger', subject_id: '4d6f8b0d-2f4a-4d6f-8b0d-2f4a6d8f0b2d', vendor_event_type: 'DELETE USER' }])
  })

  it('reads sign-out-everywhere as revoking the user\'s Keycloak tokens', () => {
    expect(stated(factsOf(keycloakSource, logout))).toEqual([{ kind: 'subject_revocation', subject_kind: 'person', subject_id: DANA }])
  })

  it('does not read other updates, role removals, or an update without its representation as triggers', () => {
    for (const event of [rename, roleRemoved, noRepresentation]) expect(stated(factsOf(keycloakSource, event))).toEqual([{ kind: 'other' }])
  })
})

describe('Keycloak events that cannot be read', () => {
  it('names the field and the reason', () => {
    expect(records('keycloak/malformed.ndjson').map((r) => parseError(keycloakSource, r))).toEqual([
      'time: required',
      'time: expected an RFC 3339 time or epoch milliseconds',
      'time: expected epoch milliseconds (this looks like seconds)',
      'operationType: expected CREATE, UPDATE, DELETE or ACTION',
      'details: expected an object',
      'type: required',
    ])
  })
})
