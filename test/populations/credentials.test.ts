import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { allCredentials, credentialsPage, parseCredentialQuery, type CredentialFilters, type CredentialRow } from '@/lib/populations/credentials'
import { tokenAgeReport } from '@/lib/reports/token-age'
import { at, grant, inventoryKey, person, request, revocation, store, twice } from '../reports/builders'
import { period, useReportStore } from '../reports/setup'
import { credentialFilterExpectations } from './report-keys'

useReportStore('credentials-population')
afterAll(closeAppStore)

const tenDays = period(at('10-01 00:00'), at('10-11 00:00'))
const window = { from: tenDays.from, to: tenDays.to }

const facts = [
  person('00uDANA', 'dana@example.com'),
  grant('AT.a', '00uDANA', at('10-02 00:00')), // 1 hour (default lifetime): <=1
  grant('AT.b', '00uDANA', at('10-02 00:00'), { expires_at: at('10-05 00:00') }), // 3 days: <=7, over the 1-day maximum
  grant('RT.c', '00uDANA', at('09-01 00:00'), { credential_type: 'oauth_refresh', expires_at: at('12-01 00:00') }), // 40 days: <=90
  inventoryKey('sha256:d', { type: 'api_key', created: at('01-01 00:00'), owner: 'dana@example.com' }), // 283 days, no expiry, over 90
  inventoryKey('sha256:e', { type: 'pat', created: '2025-01-01T00:00:00.000Z', owner: 'lee@example.com' }),
  revocation('sha256:e', at('10-05 00:00'), { source: 'keys' }), // 642 days: >365
  inventoryKey('sha256:f', { type: 'service_token', created: at('10-10 00:00'), expires: at('10-12 00:00'), serviceAccount: 'ci' }), // 1 day
  inventoryKey('sha256:k', { type: 'pat', created: at('10-03 00:00'), expires: at('10-25 00:00'), owner: 'dana@example.com' }), // 8 days: <=30
  grant('AT.h', '00uDANA', at('10-11 00:00')), // issued at `to`: not live
]
const requests = [
  request({ time: at('10-02 01:00'), credential_id: 'AT.g', token_iat: at('10-02 00:00'), token_exp: at('10-09 00:00') }), // only a gateway saw it: 7 days
  request({ time: at('10-03 00:00'), credential_id: 'sha256:unlisted', auth_scheme: 'api_key', credential_type: 'api_key' }), // issue time unknown
  request({ time: at('10-04 09:00'), credential_id: 'sha256:d', auth_scheme: 'api_key', credential_type: 'api_key' }),
]

beforeAll(async () => {
  await store({ facts: twice(facts, (f) => f.credential_id === 'RT.c'), requests })
})

const count = async (filters: CredentialFilters) => (await credentialsPage(cliActor, window, filters, { per: 1 })).total

describe('the credentials population', () => {
  it('counts, for every filter, the number the token-age report gives', async () => {
    const report = await tokenAgeReport(tenDays)
    const expected = credentialFilterExpectations(report)
    const counted = []
    for (const c of expected) counted.push({ key: c.key, count: await count(c.filters) })
    expect(counted).toEqual(expected.map(({ key, count }) => ({ key, count })))
    expect(report.credentials).toBe(8)
    expect(report.buckets).toEqual({ '<=1': 2, '<=7': 2, '<=30': 1, '<=90': 1, '<=365': 1, '>365': 1 })
  })

  it('lists each credential with its identity, times, age against its maximum, last use and source', async () => {
    const rows: CredentialRow[] = []
    for await (const row of await allCredentials(cliActor, window, {})) rows.push(row)
    expect(rows.map((r) => r.credential_id)).toEqual(['sha256:e', 'sha256:d', 'RT.c', 'AT.a', 'AT.b', 'AT.g', 'sha256:k', 'sha256:f'])
    expect(rows.find((r) => r.credential_id === 'sha256:d')).toEqual({
      credential_id: 'sha256:d', type: 'api_key', identity: 'dana@example.com', issued_at: at('01-01 00:00'), expires_at: null,
      revoked_at: null, age_days: 283, over_max_age: true, last_used_at: at('10-04 09:00'), source: 'keys',
    })
    expect(rows.find((r) => r.credential_id === 'AT.g')).toMatchObject({ identity: '', source: 'gateway', age_days: 7, expires_at: at('10-09 00:00') })
    expect(rows.find((r) => r.credential_id === 'sha256:e')).toMatchObject({ revoked_at: at('10-05 00:00'), over_max_age: true })
    expect(rows.find((r) => r.credential_id === 'sha256:f')).toMatchObject({ identity: 'svc:ci', age_days: 1, over_max_age: false })
  })

  it('shows one identity’s credentials, and pages through them once each', async () => {
    const first = await credentialsPage(cliActor, window, { identity: 'dana@example.com' }, { per: 2 })
    expect(first.total).toBe(5)
    const seen = [...first.rows]
    let next = first.next
    while (next) {
      const page = await credentialsPage(cliActor, window, { identity: 'dana@example.com' }, { per: 2, after: next })
      seen.push(...page.rows)
      next = page.next
    }
    expect(seen.map((r) => r.credential_id)).toEqual(['sha256:d', 'RT.c', 'AT.a', 'AT.b', 'sha256:k'])
  })

  it('reads its filters from the query string, naming a bad one', () => {
    expect(parseCredentialQuery(new URLSearchParams('over_max_age=true&bucket=%3C%3D7&type=pat')).filters).toEqual({ over_max_age: true, bucket: '<=7', type: 'pat' })
    expect(() => parseCredentialQuery({ bucket: '<=2' })).toThrow(expect.objectContaining({ field: 'bucket' }))
    expect(() => parseCredentialQuery({ no_expiry: 'yes' })).toThrow('no_expiry must be true or false')
  })
})
