/**
 * Auth0 tenant logs (`--source auth0`): Management API log events (`GET /api/v2/logs`) and
 * Log Streams (`{"log_id", "data": {…}}` records, `{"logs": [...]}` batches); log-formats.md §3.
 * Typed by the `auth0` package's `Management.Log`.
 *
 * | fact               | Auth0 log type                                                                 |
 * | ------------------ | ------------------------------------------------------------------------------ |
 * | credential (grant) | `seacft` (code → token), `sertft` (refresh → token), `sede` (device code),     |
 * |                    | `secte`, `success_on_behalf_of_token_exchange`: the user's access token         |
 * |                    | (`details.access_token_jti`); `seccft` (client credentials): the M2M client's   |
 * | revocation         | none matchable: `srrt` revokes a refresh token Auth0 never logs an id for       |
 * | trigger            | `sdu` (user deleted); `sapi` PATCH /api/v2/users/{id} with `blocked: true`;     |
 * |                    | `sapi` DELETE /api/v2/clients/{id} (service)                                    |
 * | identity           | the user (`user_id`, `user_name`) of a success event; an M2M client            |
 * | other              | failures (`f*`), `depnote` (deprecation notices), everything else              |
 */
import { z } from 'zod'
import type { Management } from 'auth0'
import { isJsonObject, requiredTime } from './record-fields'
import { scrubRawRecord, scrubRecord } from './secrets'
import type { ParseResult, SourceParser } from './types'
import { checkedRecord, factRows, personIdentity, serviceIdentity, vendorShaped, vendorText, type FactDraft } from './vendor-record'

const USER_TOKEN_TYPES = new Set(['seacft', 'sertft', 'sede', 'secte', 'success_on_behalf_of_token_exchange'])
const CLIENT_CREDENTIALS = 'seccft'
const USER_DELETED = 'sdu'
const MANAGEMENT_API_WRITE = 'sapi'

const logEvent = vendorShaped<Management.Log>()(
  z.looseObject({
    log_id: z.string({ error: 'required' }).min(1, 'required'),
    date: requiredTime,
    type: z.string({ error: 'required' }).min(1, 'required'),
    client_id: vendorText,
    client_name: vendorText,
    user_id: vendorText,
    user_name: vendorText,
    details: z.record(z.string(), z.unknown(), { error: 'expected an object' }).nullish().transform((v) => v ?? undefined),
  }),
)

type Auth0Log = z.infer<typeof logEvent>

export const auth0Source: SourceParser = {
  name: 'auth0',
  table: 'idp_events',
  parse(record, raw): ParseResult {
    const stream = isJsonObject(record) && isJsonObject(record.data) ? record.data : null
    const checked = stream
      ? checkedRecord(logEvent, { log_id: isJsonObject(record) ? record.log_id : undefined, ...stream }, 'data')
      : checkedRecord(logEvent, record)
    if (!checked.ok) return checked
    const log = scrubRecord(checked.data)
    const header = { source: 'auth0' as const, event_id: log.log_id, time: log.date, vendor_event_type: log.type }
    return { ok: true, requests: [], facts: factRows(header, logFacts(log), scrubRawRecord(raw)) }
  },
  /** A Log Stream batch in the JSONOBJECT format. */
  expand(document) {
    return isJsonObject(document) && Array.isArray(document.logs) && Object.keys(document).length === 1 ? document.logs : null
  },
}

function logFacts(log: Auth0Log): FactDraft[] {
  if (!log.type.startsWith('s') && !log.type.startsWith('success_')) return []
  const user = log.user_id ? personIdentity(log.user_id, log.user_name ?? '') : null
  const client = log.client_id ? serviceIdentity(log.client_id, log.client_name ?? '') : null
  const jti = detail(log, 'access_token_jti')
  if (log.type === CLIENT_CREDENTIALS && client) return [...(jti ? [grant(client, jti, log)] : []), client]
  if (USER_TOKEN_TYPES.has(log.type) && user) return [...(jti ? [grant(user, jti, log)] : []), user]
  if (log.type === USER_DELETED && log.user_id) return [{ kind: 'trigger', subject_kind: 'person', subject_id: log.user_id }]
  if (log.type === MANAGEMENT_API_WRITE) return managementTriggers(log)
  return user ? [user] : []
}

function grant(subject: FactDraft, jti: string, log: Auth0Log): FactDraft {
  return {
    kind: 'credential',
    subject_kind: subject.subject_kind,
    subject_id: subject.subject_id,
    client_id: log.client_id ?? '',
    credential_id: jti,
    credential_type: 'oauth_access',
    issued_at: log.date,
  }
}

const USER_PATH = /^\/api\/v2\/users\/([^/?]+)$/
const CLIENT_PATH = /^\/api\/v2\/clients\/([^/?]+)$/

/** A Management API write that blocks a user or deletes a client (`details.request`). */
function managementTriggers(log: Auth0Log): FactDraft[] {
  const request = log.details?.request
  if (!isJsonObject(request) || typeof request.path !== 'string') return []
  const method = String(request.method ?? '').toUpperCase()
  const user = USER_PATH.exec(request.path)
  if (user && method === 'PATCH' && isJsonObject(request.body) && request.body.blocked === true) {
    return [{ kind: 'trigger', subject_kind: 'person', subject_id: decodeURIComponent(user[1]) }]
  }
  const client = CLIENT_PATH.exec(request.path)
  if (client && method === 'DELETE') {
    const id = decodeURIComponent(client[1])
    return [{ kind: 'trigger', subject_kind: 'service', subject_id: id, client_id: id }]
  }
  return []
}

function detail(log: Auth0Log, key: string): string {
  const value = log.details?.[key]
  return typeof value === 'string' ? value : ''
}
