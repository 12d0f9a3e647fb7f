/**
 * The normalized event model every source parser produces. These are the stored
 * row shapes of the ClickHouse tables in db/clickhouse (snake_case on purpose:
 * they are inserted as JSONEachRow unchanged). Times are ISO 8601 UTC strings.
 */

export const SOURCE_NAMES = ['okta', 'entra', 'auth0', 'keycloak', 'google', 'ocsf', 'gateway', 'otlp', 'keys'] as const
export type SourceName = (typeof SOURCE_NAMES)[number]

export type CredentialType = 'oauth_access' | 'oauth_refresh' | 'api_key' | 'pat' | 'service_token'
export type Outcome = 'ok' | 'error' | 'denied'

/** One gateway request (table gateway_requests). */
export type GatewayRequestRow = {
  event_id: string
  source: SourceName
  time: string
  gateway: string
  method: string
  outcome: Outcome
  is_action: 0 | 1
  server: string
  tool: string
  prompt: string
  resource_uri: string
  request_id: string
  session_id: string
  protocol_version: string
  client_name: string
  client_version: string
  src_addr: string
  http_status: number | null
  duration_ms: number | null
  auth_scheme: 'bearer' | 'api_key' | 'none'
  /** token id (jti / uti) or `sha256:<hex>` of an opaque secret; '' when none was presented */
  credential_id: string
  credential_type: CredentialType | ''
  jwt_iss: string
  jwt_sub: string
  jwt_client_id: string
  jwt_aud: string
  token_iat: string | null
  token_exp: string | null
  user_claim: string
  api_key_name: string
  raw: string
}

export type FactKind = 'identity' | 'credential' | 'revocation' | 'subject_revocation' | 'trigger' | 'other'
export type SubjectKind = '' | 'person' | 'service'

/**
 * One fact from an IdP log or the key inventory (table idp_events).
 * - identity: a person or service account as the source names it (subject_id),
 *   with e-mail / login / display name / owner where the source gives them.
 * - credential: a credential issued to subject_id (issued_at, expires_at, client_id).
 * - revocation: credential_id revoked at `time`.
 * - subject_revocation: every credential this source issued to subject_id revoked at `time`.
 * - trigger: a deprovisioning trigger for subject_id at `time`.
 * - other: a valid record that states none of the above; stored so nothing is dropped.
 * Service accounts: subject_id is the OAuth client id (identity `client:<id>`) or, from
 * the key inventory or registry, the account name (identity `svc:<name>`, source 'keys').
 */
export type IdpFactRow = {
  event_id: string
  fact_index: number
  source: SourceName
  time: string
  kind: FactKind
  vendor_event_type: string
  subject_kind: SubjectKind
  subject_id: string
  email: string
  login: string
  display_name: string
  owner: string
  client_id: string
  credential_id: string
  credential_type: CredentialType | ''
  issued_at: string | null
  expires_at: string | null
  raw: string
}

/**
 * What a parser makes of one vendor record. Errors name the field: `"published: required"`.
 * `skipped`: a valid record that is not for Custody (gateway-log.md: an LLM route, a start-up
 * line): nothing is stored, and it is counted as skipped, neither accepted nor rejected.
 */
export type ParseResult =
  | { ok: true; requests: GatewayRequestRow[]; facts: IdpFactRow[]; skipped?: string }
  | { ok: false; error: string }

export type SourceParser = {
  name: SourceName
  /** the table its records land in */
  table: 'gateway_requests' | 'idp_events'
  /** `raw` is the record's exact text; `record` the parsed JSON value. */
  parse(record: unknown, raw: string): ParseResult
  /** A document that holds many records (OTLP export, vendor page): its records, or null if it is one record. */
  expand?(document: unknown): unknown[] | null
}

/** The fields a fact leaves empty unless its rule says otherwise. */
export const BLANK_FACT_DETAILS: Omit<IdpFactRow, 'event_id' | 'fact_index' | 'source' | 'time' | 'vendor_event_type' | 'raw' | 'kind'> = {
  subject_kind: '',
  subject_id: '',
  email: '',
  login: '',
  display_name: '',
  owner: '',
  client_id: '',
  credential_id: '',
  credential_type: '',
  issued_at: null,
  expires_at: null,
}
