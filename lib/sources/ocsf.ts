/**
 * OCSF (`--source ocsf`, log-formats.md §6): classes 3001 Account Change, 3002 Authentication
 * and 6003 API Activity, one event per record (NDJSON or a JSON array). No OCSF package exists,
 * so the classes are typed here after `ocsf/ocsf-schema` 1.8. The event id is `metadata.uid`.
 *
 * | fact               | OCSF event                                                                     |
 * | ------------------ | ------------------------------------------------------------------------------ |
 * | credential (grant) | 3002 Authentication, successful, with `authentication_token.uid` (1.8): the     |
 * |                    | user's token (type_id 4 refresh, 7 API token → api_key, else access)            |
 * | revocation         | none                                                                           |
 * | trigger            | 3001 Account Change activity 5 Disable, 6 Delete, 9 Lock (`user`)              |
 * | identity           | the `user` of 3001 / 3002 (uid, email_addr, name)                              |
 * | gateway request    | 6003 API Activity whose `api.operation` is an MCP method (else skipped)        |
 * | other              | failed events, every other activity                                            |
 */
import { z } from 'zod'
import { gatewaySource } from './gateway'
import { apiActivityLine, mcpMethod } from './ocsf/api-activity'
import { isJsonObject, optionalTime, requiredTime } from './record-fields'
import { scrubRawRecord, scrubRecord } from './secrets'
import type { CredentialType, ParseResult, SourceParser } from './types'
import { checkedRecord, factRows, personIdentity, vendorText, type FactDraft } from './vendor-record'

const ACCOUNT_CHANGE = 3001
const AUTHENTICATION = 3002
const API_ACTIVITY = 6003
const TRIGGER_ACTIVITIES = new Set([5, 6, 9])
const STATUS_SUCCESS = 1
const TOKEN_TYPES: Record<number, CredentialType> = { 4: 'oauth_refresh', 7: 'api_key' }

const user = z.looseObject({ uid: vendorText, email_addr: vendorText, name: vendorText }, { error: 'expected an object' })

const iamEvent = z.looseObject({
  class_uid: z.number({ error: 'required' }),
  activity_id: z.number({ error: 'required' }).int('expected an integer'),
  time: requiredTime,
  status_id: z.number({ error: 'expected a number' }).nullish(),
  metadata: z.looseObject({ uid: z.string({ error: 'required' }).min(1, 'required') }, { error: 'required' }),
  user: user.nullish(),
  authentication_token: z.looseObject({
    uid: vendorText,
    type_id: z.number({ error: 'expected a number' }).nullish(),
    created_time: optionalTime,
    expiration_time: optionalTime,
  }).nullish(),
})

type IamEvent = z.infer<typeof iamEvent>

export const ocsfSource: SourceParser = {
  name: 'ocsf',
  table: 'idp_events',
  parse(record, raw): ParseResult {
    if (isJsonObject(record) && record.class_uid === API_ACTIVITY) return apiActivity(record, raw)
    const checked = checkedRecord(iamEvent, record)
    if (!checked.ok) return checked
    const event = scrubRecord(checked.data)
    if (event.class_uid !== ACCOUNT_CHANGE && event.class_uid !== AUTHENTICATION) {
      return { ok: false, error: `class_uid: expected ${ACCOUNT_CHANGE}, ${AUTHENTICATION} or ${API_ACTIVITY}` }
    }
    const header = { source: 'ocsf' as const, event_id: event.metadata.uid, time: event.time, vendor_event_type: `${event.class_uid}.${event.activity_id}` }
    return { ok: true, requests: [], facts: factRows(header, iamFacts(event), scrubRawRecord(raw)) }
  },
}

function iamFacts(event: IamEvent): FactDraft[] {
  if (event.status_id != null && event.status_id !== STATUS_SUCCESS) return []
  const uid = event.user?.uid
  if (!uid) return []
  const person = personIdentity(uid, event.user?.email_addr ?? '', event.user?.name ?? '')
  if (event.class_uid === ACCOUNT_CHANGE && TRIGGER_ACTIVITIES.has(event.activity_id)) {
    return [{ kind: 'trigger', subject_kind: 'person', subject_id: uid }, person]
  }
  const token = event.authentication_token
  if (event.class_uid !== AUTHENTICATION || !token?.uid) return [person]
  return [{
    kind: 'credential',
    subject_kind: 'person',
    subject_id: uid,
    credential_id: token.uid,
    credential_type: TOKEN_TYPES[token.type_id ?? 0] ?? 'oauth_access',
    issued_at: token.created_time ?? event.time,
    expires_at: token.expiration_time,
  }, person]
}

/** An MCP call normalized to OCSF is a gateway request; any other API call is not for Custody. */
function apiActivity(event: Record<string, unknown>, raw: string): ParseResult {
  const method = mcpMethod(event)
  if (!method) return { ok: true, requests: [], facts: [], skipped: 'not an MCP request' }
  const result = gatewaySource.parse(apiActivityLine(event, method), raw)
  if (!result.ok) return { ok: false, error: `API Activity ${result.error}` }
  const stored = scrubRawRecord(raw)
  return { ...result, requests: result.requests.map((row) => ({ ...row, source: 'ocsf', raw: stored })) }
}
