import { describe, expect, it } from 'vitest'
import { oktaSource } from '@/lib/sources/okta'
import { factsOf, fixtureRecords, stated } from './vendor-fixtures'

const records = (name: string) => fixtureRecords(oktaSource, name)
const BUILD_AGENT = 'wlp3bldAgnt5Pq8Zr1d7'

describe('Okta as it really arrives', () => {
  it('unwraps AWS EventBridge envelopes (Log Streaming) into the LogEvent they carry', () => {
    const [grant, deactivate] = records('okta/eventbridge.ndjson')
    expect(factsOf(oktaSource, grant)[0]).toMatchObject({ event_id: '3c1f5b7e-8a2d-11f0-9c41-7d2b6f0e4a19', kind: 'credential', credential_id: 'AT.f3K9xQ1mZc7bV0rT4yWp2nLs8dE6hJ5aG1uO3iR9kYw' })
    expect(factsOf(oktaSource, deactivate)[0]).toMatchObject({ kind: 'trigger', subject_id: '00u8danaLee4Kq2Xp5d7', vendor_event_type: 'user.lifecycle.deactivate' })
  })

  it('accepts an event whose unused maps are empty strings ("debugData": "")', () => {
    const [session] = records('okta/debug-data-empty-string.json')
    expect(stated(factsOf(oktaSource, session))).toEqual([
      { kind: 'identity', subject_kind: 'person', subject_id: '00u8danaLee4Kq2Xp5d7', email: 'dana.lee@example.com', login: 'dana.lee@example.com', display_name: 'Dana Lee' },
    ])
  })

  it('gives a token granted to an AI agent (WorkloadIdentityPrincipal) to the agent, a service with no client id of its own', () => {
    const [grant] = records('okta/workload-principal-grant.json')
    expect(stated(factsOf(oktaSource, grant))).toEqual([
      { kind: 'credential', subject_kind: 'service', subject_id: BUILD_AGENT, client_id: '0oa7bldCl1ent3Xk2Lq5d7', credential_id: 'AT.wlpBuild9Zq4Wm2Xv7Ln3Kd', credential_type: 'oauth_access', issued_at: '2026-03-06T08:30:00.000Z', expires_at: '2026-03-06T09:30:00.000Z' },
      { kind: 'identity', subject_kind: 'service', subject_id: BUILD_AGENT, display_name: 'Build Agent' },
    ])
  })

  it('stores an ID-JAG grant without an access-token target, naming the agent', () => {
    const [jag] = records('okta/id-jag-grant.json')
    expect(stated(factsOf(oktaSource, jag))).toEqual([{ kind: 'identity', subject_kind: 'service', subject_id: BUILD_AGENT, display_name: 'Build Agent' }])
  })
})
