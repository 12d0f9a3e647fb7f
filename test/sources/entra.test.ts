import { describe, expect, it } from 'vitest'
import { entraSource } from '@/lib/sources/entra'
import { factsOf, fixtureRecords, parseError, stated } from './vendor-fixtures'

const DANA_ID = '9c8b7a6f-5e4d-4c3b-2a1f-0e9d8c7b6a5f'
const CLAUDE_APP = '7a1f3e5c-2b4d-4f6a-8c0e-1a3b5c7d9e2f'
const GATEWAY_APP = '7c2e4b1a-9d3f-4a6e-b8c1-2f5e7d9a0b13'
const DANA = { kind: 'identity', subject_kind: 'person', subject_id: DANA_ID, email: 'dana.lee@contoso.example', login: 'dana.lee@contoso.example', display_name: 'Dana Lee' }
const IT_ADMIN = { kind: 'identity', subject_kind: 'person', subject_id: '2a4c6e8f-0b1d-4f3a-9c5e-7d9f1b3d5f7a', email: 'it-admin@contoso.example', login: 'it-admin@contoso.example' }

const records = (name: string) => fixtureRecords(entraSource, name)

describe('Entra sign-ins', () => {
  it('reads a v1.0 Graph page: the user signed in, no token id in v1.0, a failed sign-in states nothing', () => {
    const [ok, failed] = records('entra/sign-ins-v1-page.json')
    expect(stated(factsOf(entraSource, ok))).toEqual([{ ...DANA }])
    const facts = factsOf(entraSource, failed)
    expect(stated(facts)).toEqual([{ kind: 'other' }])
    expect(facts[0]).toMatchObject({ event_id: 'b01ad5a2-40c4-4bd5-a7f2-0ac5d4e3c200', time: '2026-03-04T11:02:07.000Z', vendor_event_type: 'signIn.interactiveUser' })
  })

  it('records the token of a beta sign-in by its uniqueTokenIdentifier, issued at createdDateTime cut to milliseconds', () => {
    const [interactive, nonInteractive] = records('entra/sign-ins-beta.ndjson')
    const facts = factsOf(entraSource, interactive)
    expect(facts[0]).toMatchObject({ source: 'entra', event_id: '5a1e7c3d-9b2f-4e68-8c10-2d4f6a8b0c01', time: '2026-03-04T09:30:00.123Z', vendor_event_type: 'signIn.interactiveUser' })
    expect(stated(facts)).toEqual([
      { kind: 'credential', subject_kind: 'person', subject_id: DANA_ID, client_id: CLAUDE_APP, credential_id: 'uTi9DanaInter4ctiveAAA', credential_type: 'oauth_access', issued_at: '2026-03-04T09:30:00.123Z' },
      DANA,
    ])
    const refreshed = factsOf(entraSource, nonInteractive)
    expect(refreshed[0]).toMatchObject({ time: '2026-03-04T09:45:12.500Z', vendor_event_type: 'signIn.nonInteractiveUser', credential_id: 'uTi9DanaRefre5hedBBBB' })
  })

  it('gives a service-principal or managed-identity token to the app itself (client:<appId>)', () => {
    const [, , servicePrincipal, managedIdentity] = records('entra/sign-ins-beta.ndjson')
    expect(stated(factsOf(entraSource, servicePrincipal))).toEqual([
      { kind: 'credential', subject_kind: 'service', subject_id: GATEWAY_APP, client_id: GATEWAY_APP, credential_id: 'qX3bM2kR9E2vT0a1Zy4TAA', credential_type: 'oauth_access', issued_at: '2026-03-04T15:30:12.000Z' },
      { kind: 'identity', subject_kind: 'service', subject_id: GATEWAY_APP, client_id: GATEWAY_APP, display_name: 'mcp-gateway-prod' },
    ])
    const msi = factsOf(entraSource, managedIdentity)
    expect(msi[0]).toMatchObject({ vendor_event_type: 'signIn.managedIdentity', subject_kind: 'service', subject_id: '0b9a8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d', time: '2026-03-04T15:31:40.000Z' })
  })

  it('states nothing for a failed refresh after revocation, and reads a guest by their home e-mail', () => {
    const [, , , , failed, guest] = records('entra/sign-ins-beta.ndjson')
    expect(stated(factsOf(entraSource, failed))).toEqual([{ kind: 'other' }])
    expect(factsOf(entraSource, guest)[1]).toMatchObject({ kind: 'identity', email: 'sam@partner.example', display_name: 'Sam Guest' })
  })
})

describe('Entra directory audits', () => {
  const [disable, revokeSessions, deleteUser, groupRemoval, disableApp, failedDisable] = records('entra/directory-audits-page.json')

  it('reads Disable account as a deprovisioning trigger for the target user', () => {
    const facts = factsOf(entraSource, disable)
    expect(facts[0]).toMatchObject({ time: '2026-03-04T10:00:00.000Z', vendor_event_type: 'Disable account' })
    expect(stated(facts)).toEqual([{ kind: 'trigger', subject_kind: 'person', subject_id: DANA_ID }, IT_ADMIN, { ...DANA, display_name: undefined }].map(dropUndefined))
  })

  it('reads Update StsRefreshTokenValidFrom Timestamp as revoking every Entra token of the user', () => {
    const facts = factsOf(entraSource, revokeSessions)
    expect(facts[0]).toMatchObject({ kind: 'subject_revocation', subject_kind: 'person', subject_id: DANA_ID, time: '2026-03-04T10:15:00.418Z' })
  })

  it('reads Delete user as a trigger and names the deleted guest without the object-id prefix Entra adds', () => {
    expect(stated(factsOf(entraSource, deleteUser))).toEqual([
      { kind: 'trigger', subject_kind: 'person', subject_id: '2b4d6f8a-0c1e-4a3b-8d5f-7a9c1e3b5d06' },
      { kind: 'identity', subject_kind: 'service', subject_id: '1b3d5f7a-9c1e-4b3d-8f5a-7c9e1b3d5f7a', client_id: '1b3d5f7a-9c1e-4b3d-8f5a-7c9e1b3d5f7a', display_name: 'HR provisioning' },
      { kind: 'identity', subject_kind: 'person', subject_id: '2b4d6f8a-0c1e-4a3b-8d5f-7a9c1e3b5d06', email: 'sam@partner.example', login: 'sam@partner.example' },
    ])
  })

  it('does not count a group removal as a trigger, and a disabled service principal is one for its app id', () => {
    expect(stated(factsOf(entraSource, groupRemoval)).map((f) => f.kind)).toEqual(['identity', 'identity'])
    expect(stated(factsOf(entraSource, disableApp)).slice(0, 2)).toEqual([
      { kind: 'trigger', subject_kind: 'service', subject_id: GATEWAY_APP, client_id: GATEWAY_APP },
      { kind: 'identity', subject_kind: 'service', subject_id: GATEWAY_APP, client_id: GATEWAY_APP, display_name: 'mcp-gateway-prod' },
    ])
  })

  it('states nothing for a failed audit', () => {
    expect(stated(factsOf(entraSource, failedDisable))).toEqual([{ kind: 'other' }])
  })
})

describe('Entra through Azure Monitor', () => {
  it('reads Event Hub records by category, with the Graph record under properties and the same event ids', () => {
    const [signIn, nonInteractive, servicePrincipal, audit, failed] = records('entra/azure-monitor-event-hub.ndjson')
    expect(factsOf(entraSource, signIn)[0]).toMatchObject({ event_id: '5a1e7c3d-9b2f-4e68-8c10-2d4f6a8b0c01', vendor_event_type: 'signIn.interactiveUser', credential_id: 'uTi9DanaInter4ctiveAAA', time: '2026-03-04T09:30:00.123Z' })
    expect(factsOf(entraSource, nonInteractive)[0]).toMatchObject({ vendor_event_type: 'signIn.nonInteractiveUser', credential_id: 'uTi9DanaNonInterFFFF' })
    expect(factsOf(entraSource, servicePrincipal)[0]).toMatchObject({ vendor_event_type: 'signIn.servicePrincipal', subject_kind: 'service', subject_id: GATEWAY_APP })
    expect(factsOf(entraSource, audit)[0]).toMatchObject({ event_id: 'Directory_3a5c7e9b-1d3f-4a5c-8e7b-9d1f3a5c7e9b_7QX2A_104771201', kind: 'trigger', subject_id: DANA_ID })
    expect(stated(factsOf(entraSource, failed))).toEqual([{ kind: 'other' }])
  })

  it('expands a storage-account blob {"records": [...]} into its records', () => {
    const blob = records('entra/azure-monitor-blob.json')
    expect(blob).toHaveLength(4)
    expect(blob.map((r) => factsOf(entraSource, r)[0].kind)).toEqual(['credential', 'credential', 'credential', 'trigger'])
  })
})

describe('Entra records that cannot be read', () => {
  it('names the field and the reason for each bad record', () => {
    const errors = records('entra/malformed.ndjson').map((r) => parseError(entraSource, r))
    expect(errors).toEqual([
      'record: neither a sign-in (createdDateTime) nor a directory audit (activityDateTime)',
      'createdDateTime: expected an RFC 3339 time or epoch milliseconds',
      'id: required',
      'activityDisplayName: required',
      'targetResources: expected array, received object',
      'category: expected AuditLogs, SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs, ManagedIdentitySignInLogs',
      'properties: expected the Graph record',
      'status.errorCode: expected a number',
      'record: expected a JSON object',
    ])
  })
})

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
