import { beforeAll, describe, expect, it } from 'vitest'
import { tokenAgeReport } from '@/lib/reports/token-age'
import { at, fact, grant, inventoryKey, person, request, revocation, store, twice } from './builders'
import { header, period, useReportStore } from './setup'

useReportStore('token-age')

const HOUR = 1 / 24

const keysRevocation = (credentialId: string, time: string) => revocation(credentialId, time, { source: 'keys' })
const subjectRevocation = (source: 'okta' | 'entra', subjectId: string, time: string) =>
  fact({ source, kind: 'subject_revocation', time, subject_kind: 'person', subject_id: subjectId })

const facts = [
  person('00uX', 'x@example.com'),
  person('guid-x', 'X@example.com', { source: 'entra' }),
  grant('AT.c1', '00uA', at('09-30 23:00')), // default expiry = `from`: not live in the period
  grant('AT.c2', '00uA', at('10-01 00:00')), // 1 hour (default lifetime)
  grant('RT.c3', '00uA', at('09-01 00:00'), { credential_type: 'oauth_refresh', expires_at: at('12-01 00:00') }), // 40 days to `to`
  inventoryKey('sha256:c4', { type: 'api_key', created: at('01-01 00:00'), owner: 'dana@example.com' }), // 283 days, no expiry
  inventoryKey('sha256:c5', { type: 'pat', created: '2025-01-01T00:00:00.000Z', owner: 'dana@example.com' }),
  keysRevocation('sha256:c5', at('10-05 00:00')), // 642 days
  inventoryKey('sha256:c6', { type: 'service_token', created: at('10-10 00:00'), expires: at('10-12 00:00'), serviceAccount: 'ci' }), // 1 day
  inventoryKey('sha256:c7', { type: 'pat', created: at('01-01 00:00'), owner: 'lee@example.com' }),
  keysRevocation('sha256:c7', at('09-30 00:00')), // revoked before the period
  grant('AT.c8', '00uA', at('10-11 00:00')), // issued at `to`
  grant('AT.c12', '00uA', at('10-03 00:00')), // the IdP's issue time wins; the expiry only the gateway saw: 2 hours
  grant('AT.c13', '00uB', at('10-04 00:00'), { expires_at: at('10-04 01:00') }),
  revocation('AT.c13', at('10-04 00:00')), // at issue time: does not count
  subjectRevocation('okta', '00uB', at('10-03 00:00')), // before issue: does not count
  grant('AT.c14', '00uX', at('10-05 00:00'), { expires_at: at('10-05 01:00') }),
  subjectRevocation('okta', '00uX', at('10-05 00:30')), // revokes AT.c14 after 30 minutes
  subjectRevocation('entra', 'guid-x', at('10-05 00:10')), // another IdP: touches neither AT.c14 nor the key
  inventoryKey('sha256:c15', { type: 'api_key', created: at('10-05 00:00'), owner: 'x@example.com' }), // 6 days
  grant('AT.c18', '00uA', '2025-03-01T00:00:00.000Z', { expires_at: '2025-03-01T01:00:00.000Z' }),
]

const requests = [
  request({ time: at('10-02 01:00'), credential_id: 'AT.c9', token_iat: at('10-02 00:00'), token_exp: at('10-09 00:00') }), // 7 days
  request({ time: at('10-03 00:45'), credential_id: 'AT.c12', token_iat: at('10-03 00:30'), token_exp: at('10-03 02:00') }),
  request({ time: at('10-03 00:00'), credential_id: 'sha256:c10', auth_scheme: 'api_key', credential_type: 'api_key' }), // issue time unknown
  request({ time: at('10-04 00:00'), credential_id: 'sha256:c10', auth_scheme: 'api_key', credential_type: 'api_key' }),
  request({ time: at('09-20 00:00'), credential_id: 'AT.c11' }), // unknown issue time, but before the period
  request({ time: at('10-02 00:00'), credential_id: 'sha256:c4', auth_scheme: 'api_key', credential_type: 'api_key' }),
]

const empty = { oauth_access: 0, oauth_refresh: 0, api_key: 0, pat: 0, service_token: 0 }

// June 2025: twenty tokens living 1, 2, … 20 hours, beside the PAT c5 (152 days old by June 2).
const june = Array.from({ length: 20 }, (_, i) =>
  grant(`AT.june${i + 1}`, '00uA', '2025-06-01T00:00:00.000Z', { expires_at: new Date(Date.UTC(2025, 5, 1, i + 1)).toISOString() }),
)

describe('token-age report', () => {
  beforeAll(async () => {
    await store({
      facts: [...twice(facts, (f) => f.credential_id === 'RT.c3' || f.kind === 'subject_revocation'), ...june],
      requests: twice(requests, (r) => r.credential_id === 'AT.c9' || r.credential_id === 'sha256:c10'),
    })
  })

  it('ages every credential live in the period, whichever side knows it', async () => {
    const tenDays = period(at('10-01 00:00'), at('10-11 00:00'))
    expect(await tokenAgeReport(tenDays)).toEqual({
      ...header('token-age', tenDays),
      credentials: 10,
      by_type: { oauth_access: 5, oauth_refresh: 1, api_key: 2, pat: 1, service_token: 1 },
      no_expiry: 3,
      over_max_age: 3,
      age_days: { p50: 1, p95: 642, max: 642 },
      buckets: { '<=1': 5, '<=7': 2, '<=30': 0, '<=90': 1, '<=365': 1, '>365': 1 },
      unknown_issue_time: 1,
    })
  })

  it('answers null percentiles when no credential was live', async () => {
    const before = period('2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z')
    expect(await tokenAgeReport(before)).toEqual({
      ...header('token-age', before),
      credentials: 0,
      by_type: empty,
      no_expiry: 0,
      over_max_age: 0,
      age_days: { p50: null, p95: null, max: null },
      buckets: { '<=1': 0, '<=7': 0, '<=30': 0, '<=90': 0, '<=365': 0, '>365': 0 },
      unknown_issue_time: 0,
    })
  })

  it('uses the one value for every percentile when one credential was live', async () => {
    const january = period('2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z')
    expect(await tokenAgeReport(january)).toMatchObject({
      credentials: 1,
      by_type: { ...empty, pat: 1 },
      no_expiry: 1,
      over_max_age: 0,
      age_days: { p50: 31, p95: 31, max: 31 },
      buckets: { '<=1': 0, '<=7': 0, '<=30': 0, '<=90': 1, '<=365': 0, '>365': 0 },
    })
  })

  it('takes the lower value as p50 and the higher as p95 of two (nearest rank)', async () => {
    const day = period('2025-03-01T00:00:00.000Z', '2025-03-02T00:00:00.000Z')
    expect(await tokenAgeReport(day)).toMatchObject({
      credentials: 2,
      by_type: { ...empty, oauth_access: 1, pat: 1 },
      age_days: { p50: HOUR, p95: 60, max: 60 },
      buckets: { '<=1': 1, '<=7': 0, '<=30': 0, '<=90': 1, '<=365': 0, '>365': 0 },
    })
  })

  it('ranks many values by nearest rank: p95 of 21 is the 20th', async () => {
    const day = period('2025-06-01T00:00:00.000Z', '2025-06-02T00:00:00.000Z')
    expect(await tokenAgeReport(day)).toMatchObject({
      credentials: 21,
      by_type: { ...empty, oauth_access: 20, pat: 1 },
      over_max_age: 1,
      age_days: { p50: 11 / 24, p95: 20 / 24, max: 152 },
      buckets: { '<=1': 20, '<=7': 0, '<=30': 0, '<=90': 0, '<=365': 1, '>365': 0 },
    })
  })
})
