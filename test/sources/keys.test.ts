import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { gatewaySource } from '@/lib/sources/gateway'
import { secretFingerprint } from '@/lib/sources/fingerprint'
import { keysSource } from '@/lib/sources/keys'
import type { IdpFactRow } from '@/lib/sources/types'
import { fixtureLine, fixtureLines } from './fixture-lines'

const INVENTORY = 'keys/inventory.ndjson'
const MIXED = 'keys/mixed.ndjson'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function factsOf(raw: string): IdpFactRow[] {
  const result = keysSource.parse(JSON.parse(raw), raw)
  if (!result.ok) throw new Error(`expected ${raw} to parse, got ${result.error}`)
  expect(result.requests).toEqual([])
  return result.facts
}

function errorOf(record: unknown): string {
  const result = keysSource.parse(record, JSON.stringify(record))
  if (result.ok) throw new Error(`expected ${JSON.stringify(record)} to be rejected`)
  return result.error
}

const inventoryFacts = (n: number) => factsOf(fixtureLine(INVENTORY, n).raw)

/** A minimal valid key plus the given fields. */
function key(fields: Record<string, unknown>): Record<string, unknown> {
  return { sha256: 'a'.repeat(64), type: 'api_key', created_at: '2026-07-01T09:00:00Z', ...fields }
}

const keyFacts = (fields: Record<string, unknown>) => factsOf(JSON.stringify(key(fields)))

describe('key inventory: a person’s key', () => {
  it('becomes one credential fact for the owner’s lower-cased e-mail', () => {
    const { raw } = fixtureLine(INVENTORY, 1)
    expect(factsOf(raw)).toEqual([
      {
        event_id: sha256(raw),
        fact_index: 0,
        source: 'keys',
        time: '2026-07-01T09:00:00.000Z',
        kind: 'credential',
        vendor_event_type: 'key.created',
        subject_kind: 'person',
        subject_id: 'dana.lee@example.com',
        email: 'dana.lee@example.com',
        login: '',
        display_name: '',
        owner: '',
        client_id: '',
        credential_id: 'sha256:cdf4c9f29fa14d48462c76e412aa0242d3afe4ad8e6109ae336c833c5bb2418b',
        credential_type: 'api_key',
        issued_at: '2026-07-01T09:00:00.000Z',
        expires_at: null,
        raw,
      },
    ] satisfies IdpFactRow[])
  })

  it('a key with only an id is identified by that id; epoch-millisecond times are read', () => {
    expect(inventoryFacts(3)).toMatchObject([
      {
        kind: 'credential',
        credential_id: 'pat_01JQ7H3K2M',
        credential_type: 'pat',
        subject_kind: 'person',
        subject_id: 'lee.chen@example.com',
        issued_at: '2026-09-20T10:00:00.000Z',
        expires_at: '2026-12-31T23:59:59.000Z',
      },
    ])
  })

  it('accepts every key of the good fixture', () => {
    for (const l of fixtureLines(INVENTORY)) expect(keysSource.parse(l.record, l.raw), `line ${l.line}`).toMatchObject({ ok: true })
  })
})

describe('key inventory: a service account’s key', () => {
  it('is the account’s credential, names the account as an identity with its owner, and records the revocation', () => {
    const { raw } = fixtureLine(INVENTORY, 2)
    const facts = factsOf(raw)
    const credentialId = 'sha256:8e01d3db9b378521cba93a8bee98e95037b14760ca124942b45a4eb99f87db9a'
    expect(facts).toMatchObject([
      {
        fact_index: 0,
        kind: 'credential',
        time: '2026-05-12T06:30:00.000Z',
        subject_kind: 'service',
        subject_id: 'crm-sync',
        email: '',
        owner: 'omar.haddad@example.com',
        credential_id: credentialId,
        credential_type: 'service_token',
        issued_at: '2026-05-12T06:30:00.000Z',
        expires_at: '2027-05-12T06:30:00.000Z',
        raw,
      },
      {
        fact_index: 1,
        kind: 'identity',
        time: '2026-05-12T06:30:00.000Z',
        subject_kind: 'service',
        subject_id: 'crm-sync',
        display_name: 'crm-sync',
        owner: 'omar.haddad@example.com',
        credential_id: '',
        raw: '',
      },
      {
        fact_index: 2,
        kind: 'revocation',
        time: '2026-10-03T15:00:00.250Z',
        subject_kind: 'service',
        subject_id: 'crm-sync',
        credential_id: credentialId,
        credential_type: 'service_token',
        issued_at: null,
        expires_at: null,
        raw: '',
      },
    ])
    expect(new Set(facts.map((f) => f.event_id))).toEqual(new Set([sha256(raw)]))
    expect(facts.every((f) => f.source === 'keys')).toBe(true)
  })

  it('an ownerless service account has an identity with no owner', () => {
    expect(inventoryFacts(5)).toMatchObject([
      { kind: 'credential', subject_kind: 'service', subject_id: 'nightly-reconciler', owner: '' },
      { kind: 'identity', subject_kind: 'service', subject_id: 'nightly-reconciler', display_name: 'nightly-reconciler', owner: '' },
    ])
  })

  it('an owner’s e-mail is lower-cased on the account too', () => {
    const facts = factsOf(fixtureLine(MIXED, 12).raw)
    expect(facts.map((f) => [f.kind, f.subject_id, f.owner])).toEqual([
      ['credential', 'etl', 'priya.nair@example.com'],
      ['identity', 'etl', 'priya.nair@example.com'],
    ])
    expect(facts[0].credential_id).toBe('svc_token_77')
  })
})

describe('key inventory: keys nobody owns, revocations, updates', () => {
  it('a key with neither owner nor service account has no subject', () => {
    expect(inventoryFacts(4)).toMatchObject([{ kind: 'credential', subject_kind: '', subject_id: '', email: '', owner: '' }])
  })

  it('a revoked person’s key adds a revocation fact at revoked_at', () => {
    expect(factsOf(fixtureLine(MIXED, 1).raw).map((f) => [f.fact_index, f.kind, f.time])).toEqual([
      [0, 'credential', '2026-07-01T09:00:00.000Z'],
      [1, 'revocation', '2026-10-05T08:00:00.000Z'],
    ])
  })

  it('an updated export of the same key (now revoked) is a new event', () => {
    const before = inventoryFacts(1)[0]
    const after = factsOf(fixtureLine(MIXED, 1).raw)[0]
    expect(after.credential_id).toBe(before.credential_id)
    expect(after.event_id).not.toBe(before.event_id)
  })

  it('missing owner, service_account, expires_at and revoked_at read as null', () => {
    const facts = factsOf(JSON.stringify({ id: 'k1', type: 'pat', created_at: '2026-07-01T09:00:00+02:00' }))
    expect(facts).toMatchObject([{ kind: 'credential', credential_id: 'k1', subject_id: '', expires_at: null, issued_at: '2026-07-01T07:00:00.000Z' }])
  })

  it('an empty service_account is no service account', () => {
    expect(keyFacts({ owner: 'a@example.com', service_account: '' })).toMatchObject([{ subject_kind: 'person', subject_id: 'a@example.com' }])
  })

  it('sha256 wins over id; an upper-case or prefixed hash is stored as sha256:<lower hex>', () => {
    expect(keyFacts({ id: 'k1' })[0].credential_id).toBe(`sha256:${'a'.repeat(64)}`)
    expect(keyFacts({ sha256: 'AB'.repeat(32) })[0].credential_id).toBe(`sha256:${'ab'.repeat(32)}`)
    expect(keyFacts({ sha256: `sha256:${'c'.repeat(64)}` })[0].credential_id).toBe(`sha256:${'c'.repeat(64)}`)
  })
})

describe('key inventory: a raw key in the export', () => {
  it('is hashed into sha256 and dropped from the stored record', () => {
    const { raw, record } = fixtureLine(INVENTORY, 6)
    const secret = (record as { key: string }).key
    const facts = factsOf(raw)
    expect(facts[0]).toMatchObject({ credential_id: `sha256:${sha256(secret)}`, credential_type: 'pat', subject_id: 'omar.haddad@example.com' })
    expect(facts[0].event_id).toBe(sha256(raw))
    const { key: _secret, ...rest } = record as Record<string, unknown>
    expect(JSON.parse(facts[0].raw)).toEqual({ ...rest, sha256: sha256(secret) })
    expect(JSON.stringify(facts)).not.toContain(secret)
  })

  it('a `secret` or `token` field is treated the same way', () => {
    for (const field of ['secret', 'token']) {
      const facts = factsOf(JSON.stringify({ [field]: 'sk_live_Zx81', type: 'api_key', created_at: '2026-07-01T09:00:00Z' }))
      expect(facts[0].credential_id).toBe(`sha256:${sha256('sk_live_Zx81')}`)
      expect(JSON.stringify(facts)).not.toContain('sk_live_Zx81')
    }
  })

  it('a secret anywhere else in the record is stored as its fingerprint', () => {
    const note = 'rotated from xoxp-1234567890-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8'
    const facts = factsOf(JSON.stringify({ id: 'k-1', type: 'api_key', created_at: '2026-07-01T09:00:00Z', note, meta: { client_secret: 'cs-1' } }))
    expect(JSON.parse(facts[0].raw)).toMatchObject({
      note: `rotated from ${secretFingerprint('xoxp-1234567890-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8')}`,
      meta: { client_secret: secretFingerprint('cs-1') },
    })
  })

  it('the inventory and a gateway that logged the same key name one credential', () => {
    const gatewayRow = gatewaySource.parse(fixtureLine('gateway/requests.ndjson', 10).record, fixtureLine('gateway/requests.ndjson', 10).raw)
    if (!gatewayRow.ok) throw new Error(gatewayRow.error)
    expect(gatewayRow.requests[0].credential_id).toBe(inventoryFacts(1)[0].credential_id)
  })
})

describe('key inventory: rejected records name the field', () => {
  it('rejects each malformed record of the mixed fixture with its reason, and accepts its good ones', () => {
    const expected: Record<number, string> = {
      2: 'sha256 or id: required',
      3: 'type: expected api_key, pat or service_token',
      4: 'type: required',
      5: 'owner: expected an e-mail address',
      6: 'created_at: required',
      7: 'expires_at: expected an RFC 3339 time or epoch milliseconds',
      8: 'sha256: expected 64 hex characters',
      9: 'service_account: expected a string',
      10: 'record is not a JSON object',
    }
    for (const l of fixtureLines(MIXED)) {
      if (!l.json) {
        expect(l.line).toBe(11) // not JSON: the ingest reader rejects it before any parser
        continue
      }
      const result = keysSource.parse(l.record, l.raw)
      if (expected[l.line]) expect(result, `line ${l.line}`).toEqual({ ok: false, error: expected[l.line] })
      else expect(result, `line ${l.line}`).toMatchObject({ ok: true })
    }
  })

  it('names the field of every typed value', () => {
    expect(errorOf(key({ created_at: 1751360400 }))).toBe('created_at: expected epoch milliseconds (this looks like seconds)')
    expect(errorOf(key({ revoked_at: '2026-07-01' }))).toBe('revoked_at: expected an RFC 3339 time or epoch milliseconds')
    expect(errorOf(key({ id: true, sha256: null }))).toBe('id: expected a string or a number')
    expect(errorOf(key({ name: 5 }))).toBe('name: expected a string')
    expect(errorOf(key({ owner: 17 }))).toBe('owner: expected an e-mail address')
    expect(errorOf(key({ key: 5 }))).toBe('key: expected a string')
    expect(errorOf(key({ sha256: '', id: '' }))).toBe('sha256 or id: required')
    for (const value of [null, [], 'k', 3]) expect(errorOf(value)).toBe('record is not a JSON object')
  })
})
