/**
 * Keycloak (`--source keycloak`): user events and admin events as the Admin REST API returns
 * them (log-formats.md §4), told apart by shape (`operationType` = admin event). Typed by
 * `@keycloak/keycloak-admin-client`. An event without `id` (older releases) is known by the
 * hash of its record.
 *
 * | fact               | Keycloak event                                                                  |
 * | ------------------ | ------------------------------------------------------------------------------- |
 * | credential (grant) | `CODE_TO_TOKEN`, `REFRESH_TOKEN`, `TOKEN_EXCHANGE`, `OAUTH2_DEVICE_CODE_TO_TOKEN`,|
 * |                    | `AUTHREQID_TO_TOKEN`, `JWT_BEARER`, `OAUTH2_EXTENSION_GRANT`: the user's access   |
 * |                    | token (`details.token_id`) and refresh token (`details.refresh_token_id`);        |
 * |                    | `CLIENT_LOGIN` (client credentials): the client's (`client:<clientId>`)           |
 * | subject_revocation | admin `ACTION` on `users/{id}/logout` (sign out everywhere)                       |
 * | trigger            | admin `UPDATE` `USER` `users/{id}` whose representation has `"enabled":false`;    |
 * |                    | admin `DELETE` `USER` `users/{id}`; user event `DELETE_ACCOUNT`                   |
 * | identity           | the user of a successful user event (`details.username`, `details.email`)         |
 * | other              | `*_ERROR` events (e.g. `REFRESH_TOKEN_ERROR` `user_disabled`), `LOGOUT`,          |
 * |                    | `REVOKE_GRANT` (one client's consent), role / group changes, everything else      |
 */
import { z } from 'zod'
import type AdminEventRepresentation from '@keycloak/keycloak-admin-client/lib/defs/adminEventRepresentation'
import type EventRepresentation from '@keycloak/keycloak-admin-client/lib/defs/eventRepresentation'
import { rawEventId } from './fingerprint'
import { isJsonObject, requiredTime } from './record-fields'
import { scrubRawRecord, scrubRecord } from './secrets'
import type { ParseResult, SourceParser } from './types'
import { checkedRecord, factRows, personIdentity, serviceIdentity, vendorShaped, vendorText, type FactDraft } from './vendor-record'

const TOKEN_EVENTS = new Set(['CODE_TO_TOKEN', 'REFRESH_TOKEN', 'TOKEN_EXCHANGE', 'OAUTH2_DEVICE_CODE_TO_TOKEN', 'AUTHREQID_TO_TOKEN', 'JWT_BEARER', 'OAUTH2_EXTENSION_GRANT'])
const CLIENT_LOGIN = 'CLIENT_LOGIN'
const DELETE_ACCOUNT = 'DELETE_ACCOUNT'

const eventTime = requiredTime
const details = z.record(z.string(), z.unknown(), { error: 'expected an object' }).nullish().transform((v) => v ?? undefined)

// time: epoch ms read as ISO; type: any text (releases add event types the typings lack)
const userEvent = vendorShaped<EventRepresentation, 'time' | 'type'>()(
  z.looseObject({
    id: vendorText,
    time: eventTime,
    type: z.string({ error: 'required' }).min(1, 'required'),
    clientId: vendorText,
    userId: vendorText,
    sessionId: vendorText,
    error: vendorText,
    details,
  }),
)

const adminEvent = vendorShaped<AdminEventRepresentation, 'time'>()(
  z.looseObject({
    id: vendorText,
    time: eventTime,
    operationType: z.enum(['CREATE', 'UPDATE', 'DELETE', 'ACTION'], { error: 'expected CREATE, UPDATE, DELETE or ACTION' }),
    resourceType: vendorText,
    resourcePath: vendorText,
    representation: vendorText,
    error: vendorText,
    authDetails: z.looseObject({ userId: vendorText, clientId: vendorText }).nullish().transform((v) => v ?? undefined),
  }),
)

type UserEvent = z.infer<typeof userEvent>
type AdminEvent = z.infer<typeof adminEvent>

export const keycloakSource: SourceParser = {
  name: 'keycloak',
  table: 'idp_events',
  parse(record, raw): ParseResult {
    if (isJsonObject(record) && 'operationType' in record) return adminResult(record, raw)
    const checked = checkedRecord(userEvent, record)
    if (!checked.ok) return checked
    const event = scrubRecord(checked.data)
    const header = { source: 'keycloak' as const, event_id: event.id ?? rawEventId(raw), time: event.time, vendor_event_type: event.type }
    return { ok: true, requests: [], facts: factRows(header, userEventFacts(event), scrubRawRecord(raw)) }
  },
}

function adminResult(record: Record<string, unknown>, raw: string): ParseResult {
  const checked = checkedRecord(adminEvent, record)
  if (!checked.ok) return checked
  const event = scrubRecord(checked.data)
  const type = `${event.operationType} ${event.resourceType ?? ''}`.trim()
  const header = { source: 'keycloak' as const, event_id: event.id ?? rawEventId(raw), time: event.time, vendor_event_type: type }
  return { ok: true, requests: [], facts: factRows(header, event.error ? [] : adminEventFacts(event), scrubRawRecord(raw)) }
}

function userEventFacts(event: UserEvent): FactDraft[] {
  if (event.error || event.type.endsWith('_ERROR')) return []
  const clientId = event.clientId ?? ''
  if (event.type === CLIENT_LOGIN && clientId) return [...tokens(event, 'service', clientId), serviceIdentity(clientId)]
  if (!event.userId) return []
  const user = personIdentity(event.userId, detail(event, 'email') || detail(event, 'username'))
  if (event.type === DELETE_ACCOUNT) return [{ kind: 'trigger', subject_kind: 'person', subject_id: event.userId }, user]
  return TOKEN_EVENTS.has(event.type) ? [...tokens(event, 'person', event.userId), user] : [user]
}

/** The access token (`token_id`) and refresh token (`refresh_token_id`) an event issued. */
function tokens(event: UserEvent, kind: 'person' | 'service', subject: string): FactDraft[] {
  const issued = [
    [detail(event, 'token_id'), 'oauth_access'],
    [detail(event, 'updated_refresh_token_id') || detail(event, 'refresh_token_id'), 'oauth_refresh'],
  ] as const
  return issued
    .filter(([id]) => id)
    .map(([id, type]) => ({
      kind: 'credential',
      subject_kind: kind,
      subject_id: subject,
      client_id: event.clientId ?? '',
      credential_id: id,
      credential_type: type,
      issued_at: event.time,
    }))
}

const USER_PATH = /^users\/([^/]+)$/
const LOGOUT_PATH = /^users\/([^/]+)\/logout$/

function adminEventFacts(event: AdminEvent): FactDraft[] {
  const path = event.resourcePath ?? ''
  const logout = event.operationType === 'ACTION' ? LOGOUT_PATH.exec(path) : null
  if (logout) return [{ kind: 'subject_revocation', subject_kind: 'person', subject_id: logout[1] }]
  const user = event.resourceType === 'USER' ? USER_PATH.exec(path) : null
  if (!user) return []
  if (event.operationType === 'DELETE' || (event.operationType === 'UPDATE' && disables(event.representation))) {
    return [{ kind: 'trigger', subject_kind: 'person', subject_id: user[1] }]
  }
  return []
}

/** The representation is JSON text of the user as updated; only `"enabled": false` disables. */
function disables(representation: string | undefined): boolean {
  if (!representation) return false
  try {
    const user: unknown = JSON.parse(representation)
    return isJsonObject(user) && user.enabled === false
  } catch {
    return false
  }
}

function detail(event: UserEvent, key: string): string {
  const value = event.details?.[key]
  return typeof value === 'string' ? value : ''
}
