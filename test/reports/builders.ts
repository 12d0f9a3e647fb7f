import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { insert } from '@/lib/clickhouse'
import { BLANK_FACT_DETAILS, type GatewayRequestRow, type IdpFactRow } from '@/lib/sources/types'

/** A fresh data dir for this test file's chDB; call before the first query. */
export function useTempDataDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `custody-${name}-`))
  process.env.CUSTODY_DATA_DIR = dir
  return dir
}

let sequence = 0
const nextId = (prefix: string) => `${prefix}-${++sequence}`

/** A gateway request: a `tools/call` that the gateway let through, unless told otherwise. */
export function request(overrides: Partial<GatewayRequestRow> & { time: string }): GatewayRequestRow {
  const method = overrides.method ?? 'tools/call'
  const outcome = overrides.outcome ?? 'ok'
  const plumbing = method === 'initialize' || method === 'ping' || method.startsWith('notifications/')
  return {
    event_id: nextId('req'),
    source: 'gateway',
    gateway: 'agw-test',
    method,
    outcome,
    is_action: outcome !== 'denied' && !plumbing ? 1 : 0,
    server: 'billing',
    tool: method === 'tools/call' ? 'query_invoices' : '',
    prompt: '',
    resource_uri: '',
    request_id: '',
    session_id: '',
    protocol_version: '2025-06-18',
    client_name: 'claude-code',
    client_version: '2.1.4',
    src_addr: '203.0.113.24',
    http_status: outcome === 'denied' ? 401 : 200,
    duration_ms: 12,
    auth_scheme: overrides.credential_id ? 'bearer' : 'none',
    credential_id: '',
    credential_type: overrides.credential_id ? 'oauth_access' : '',
    jwt_iss: '',
    jwt_sub: '',
    jwt_client_id: '',
    jwt_aud: '',
    token_iat: null,
    token_exp: null,
    user_claim: '',
    api_key_name: '',
    raw: '{}',
    ...overrides,
  }
}

type FactOverrides = Partial<IdpFactRow> & Pick<IdpFactRow, 'kind' | 'time'>

/** One IdP fact (its own event unless an event_id is given). */
export function fact(overrides: FactOverrides): IdpFactRow {
  return {
    event_id: nextId('evt'),
    fact_index: 0,
    source: 'okta',
    vendor_event_type: '',
    ...BLANK_FACT_DETAILS,
    raw: '{}',
    ...overrides,
  }
}

/** A person as an IdP names them. */
export function person(subjectId: string, email: string, more: Partial<IdpFactRow> = {}): IdpFactRow {
  return fact({ kind: 'identity', time: '2026-01-01T00:00:00.000Z', subject_kind: 'person', subject_id: subjectId, email, login: email, ...more })
}

/** A token grant: credential `credentialId` issued to `subjectId` at `issuedAt`. */
export function grant(credentialId: string, subjectId: string, issuedAt: string, more: Partial<IdpFactRow> = {}): IdpFactRow {
  return fact({
    kind: 'credential',
    time: issuedAt,
    subject_kind: 'person',
    subject_id: subjectId,
    credential_id: credentialId,
    credential_type: 'oauth_access',
    issued_at: issuedAt,
    ...more,
  })
}

export function trigger(subjectId: string, time: string, more: Partial<IdpFactRow> = {}): IdpFactRow {
  return fact({ kind: 'trigger', time, subject_kind: 'person', subject_id: subjectId, vendor_event_type: 'user.lifecycle.deactivate', ...more })
}

export function revocation(credentialId: string, time: string, more: Partial<IdpFactRow> = {}): IdpFactRow {
  return fact({ kind: 'revocation', time, credential_id: credentialId, ...more })
}

export async function store(rows: { requests?: GatewayRequestRow[]; facts?: IdpFactRow[] }): Promise<void> {
  await insert('gateway_requests', rows.requests ?? [], { tag: 'test' })
  await insert('idp_events', rows.facts ?? [], { tag: 'test' })
}

/** A service account as an IdP names it (an OAuth client acting for itself). */
export function service(clientId: string, displayName: string, more: Partial<IdpFactRow> = {}): IdpFactRow {
  return fact({ kind: 'identity', time: '2026-01-01T00:00:00.000Z', subject_kind: 'service', subject_id: clientId, client_id: clientId, display_name: displayName, ...more })
}

/** A key of the inventory (source `keys`): its credential fact, as the keys parser writes it. */
export function inventoryKey(
  credentialId: string,
  key: { type: 'api_key' | 'pat' | 'service_token'; created: string; expires?: string | null; owner?: string; serviceAccount?: string },
): IdpFactRow {
  const subject = key.serviceAccount
    ? { subject_kind: 'service' as const, subject_id: key.serviceAccount, owner: key.owner ?? '' }
    : { subject_kind: 'person' as const, subject_id: key.owner ?? '', email: key.owner ?? '' }
  return fact({
    source: 'keys',
    kind: 'credential',
    time: key.created,
    ...subject,
    credential_id: credentialId,
    credential_type: key.type,
    issued_at: key.created,
    expires_at: key.expires ?? null,
  })
}

/** The same row stored again (a re-delivered line or record). */
export function twice<T>(rows: T[], pick: (row: T) => boolean): T[] {
  return [...rows, ...rows.filter(pick)]
}

/** Times in a test read as `at('10-01 09:30')` = 2026-10-01T09:30:00.000Z. */
export function at(monthDayTime: string): string {
  const [date, time = '00:00'] = monthDayTime.split(' ')
  const withSeconds = time.length === 5 ? `${time}:00` : time
  return new Date(`2026-${date}T${withSeconds}Z`).toISOString()
}
