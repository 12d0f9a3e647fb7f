import { describe, expect, it } from 'vitest'
import { ocsfSource } from '@/lib/sources/ocsf'
import { factsOf, fixtureRecords, parseError, stated } from './vendor-fixtures'

const records = (name: string) => fixtureRecords(ocsfSource, name)
const DANA = { kind: 'identity', subject_kind: 'person', subject_id: '00u8danaLee4Kq2Xp5d7', email: 'dana.lee@example.com', login: 'Dana.Lee@example.com', display_name: 'Dana Lee' }

describe('OCSF events', () => {
  const [logon, failedLogon, disable, passwordChange, mcpCall, cloudCall] = records('ocsf/events.ndjson')

  it('records the token of a successful Authentication (3002) as the user\'s, with its epoch-ms times', () => {
    const facts = factsOf(ocsfSource, logon)
    expect(facts[0]).toMatchObject({ source: 'ocsf', event_id: 'ocsf-auth-0001', time: '2026-03-04T08:00:00.000Z', vendor_event_type: '3002.1' })
    expect(stated(facts)).toEqual([
      { kind: 'credential', subject_kind: 'person', subject_id: '00u8danaLee4Kq2Xp5d7', credential_id: 'AT.ocsfDana1Xk2Lq5d7', credential_type: 'oauth_access', issued_at: '2026-03-04T08:00:00.000Z', expires_at: '2026-03-04T09:00:00.000Z' },
      DANA,
    ])
    expect(stated(factsOf(ocsfSource, failedLogon))).toEqual([{ kind: 'other' }])
  })

  it('reads Account Change Disable (3001, activity 5) as a trigger; a password change is not', () => {
    expect(stated(factsOf(ocsfSource, disable))).toEqual([{ kind: 'trigger', subject_kind: 'person', subject_id: '00u8danaLee4Kq2Xp5d7' }, DANA])
    expect(stated(factsOf(ocsfSource, passwordChange))).toEqual([DANA])
  })

  it('reads an API Activity (6003) about an MCP call as a gateway request, and skips any other API call', () => {
    const result = ocsfSource.parse(mcpCall, JSON.stringify(mcpCall))
    expect(result).toMatchObject({ ok: true, facts: [], requests: [{
      event_id: 'agw-7f1e2d3c4b5a6978', source: 'ocsf', time: '2026-03-04T08:17:42.118Z', gateway: 'agentgateway', method: 'tools/call', server: 'billing',
      tool: 'query_invoices', request_id: 'req-8f2c', session_id: 'idxR8m2Qa6Lp0Zs3Xv5Ny1d7', client_name: 'reporting-agent', http_status: 200, is_action: 1,
      credential_id: 'AT.ocsfDana1Xk2Lq5d7', jwt_sub: '00u8danaLee4Kq2Xp5d7', jwt_client_id: '0oa9rptAgnt7Xk2Lq5d7', token_exp: '2026-03-04T09:00:00.000Z', user_claim: 'dana.lee@example.com',
    }] })
    expect(ocsfSource.parse(cloudCall, JSON.stringify(cloudCall))).toEqual({ ok: true, requests: [], facts: [], skipped: 'not an MCP request' })
  })

  it('names the field and the reason for each bad event', () => {
    expect(records('ocsf/malformed.ndjson').map((r) => parseError(ocsfSource, r))).toEqual([
      'time: required',
      'metadata: required',
      'class_uid: expected 3001, 3002 or 6003',
      'time: expected epoch milliseconds (this looks like seconds)',
      'API Activity http.status: expected an integer',
      'user: expected an object',
    ])
  })
})
