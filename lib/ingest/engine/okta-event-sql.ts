import { sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { EVENT_HOOK, OKTA_TRIGGERS, SUBJECT_REVOCATIONS, SUCCESS_RESULTS, TOKEN_GRANT, TOKEN_REVOCATIONS } from '@/lib/sources/okta'
import { TOKEN_TARGET_TYPES } from '@/lib/sources/okta/log-event'
import { CLIENT_TYPES, WORKLOAD_TYPE } from '@/lib/sources/okta/principals'
import { ENVELOPE_KEYS } from '../envelope'
import { MAX_NESTING_DEPTH } from '../record-limits'
import { rfc3339Pieces, rfc3339PiecesMillis } from './rfc3339-sql'

/**
 * The Okta System Log LogEvent (lib/sources/okta.ts) read by the engine: each staged line
 * becomes the idp_events rows the JS parser builds, or `fast = 0` and the JS parser takes it.
 * `fast` is 1 only when every field the parser's schema checks (log-event.ts) has a JSON type
 * it accepts as it is, so the facts are exactly the ones it derives; anything unusual (a
 * number where a string belongs, a repeated key, an envelope, a non-ASCII login, a time
 * the engine does not read) is left to it, with its reject and reason.
 *
 * JSON is read as (key, raw value) pairs: a raw value shows its type by its first character
 * (`"` string, `{` object, `[` array, `null`; '' when absent), so no value is taken for
 * another type. The query is layered, one step per subquery, each naming what the next
 * reads: the analyzer inlines an alias used in the same SELECT, and inlined this query took
 * seconds to plan. Layered, planning still costs a few hundred milliseconds a statement,
 * which is why a batch is read once, into ingest_staging_okta (okta-fast-path.ts).
 */

/** A fact row before it is stored (IdpFactRow's details); times as epoch ms, NO_TIME for null. */
const FACT = `Tuple(kind String, subject_kind String, subject_id String, email String, login String, display_name String,
  owner String, client_id String, credential_id String, credential_type String, issued_at Int64, expires_at Int64)`
const NO_TIME = '-999999999999999'
const NO_FACTS = `CAST([], 'Array(${FACT})')`

const TOP_FIELDS = ['uuid', 'published', 'eventType', 'actor', 'target', 'client', 'outcome', 'authenticationContext', 'debugContext', 'transaction']
const OBJECTS = ['actor', 'client', 'outcome', 'authenticationContext', 'debugContext', 'transaction']
/** Text fields the schema checks, as (object, key): each must be absent, null or a string. */
const TEXT_FIELDS = [
  ['actor', 'id'], ['actor', 'type'], ['actor', 'alternateId'], ['actor', 'displayName'], ['client', 'id'],
  ['outcome', 'result'], ['outcome', 'reason'], ['authenticationContext', 'externalSessionId'],
  ['authenticationContext', 'rootSessionId'], ['transaction', 'id'], ['transaction', 'type'],
] as const

const value = (kv: string, key: string) => `arrayElement(${kv}.2, indexOf(${kv}.1, '${key}'))`
const pairs = (raw: string) => `JSONExtractKeysAndValuesRaw(${raw})`
const uniqueKeys = (kv: string) => `arrayUniq(${kv}.1) = length(${kv})`
const nullish = (raw: string) => `${raw} IN ('', 'null')`
/** absent, null or a string: what `z.string().nullish()` accepts */
const textOk = (raw: string) => `(${nullish(raw)} OR startsWith(${raw}, '"'))`
/** absent, null, or an object whose keys are each there once (JS keeps the last of a repeated key, the engine the first) */
const objectOk = (raw: string, kv: string) => `(${nullish(raw)} OR (startsWith(${raw}, '{') AND ${uniqueKeys(kv)}))`
/** log-event.ts vendorMap: absent, null, "" or an object */
const vendorMapOk = (raw: string) => `(${raw} IN ('', 'null', '""') OR startsWith(${raw}, '{'))`
const ascii = (text: string) => `lengthUTF8(${text}) = length(${text})`
const list = (values: Iterable<string>) => `[${[...values].map((v) => `'${v}'`).join(', ')}]`
const fieldName = (object: string, key: string) => `j_${object}_${key}`

/** Each step reads the one before: (name, the SELECT list it adds). */
function layered(lines: SqlFragment, steps: string[]): SqlFragment {
  let query = sql`SELECT seq, raw, ${unsafeRawSql(pairs('raw'))} AS top_kv FROM ${lines}`
  for (const step of steps) query = sql`SELECT *, ${unsafeRawSql(step)} FROM (${query})`
  return query
}

const READ_STEPS = [
  // the top-level fields
  TOP_FIELDS.map((k) => `${value('top_kv', k)} AS j_${k}`).join(',\n'),
  // the objects read, and the target list
  [...OBJECTS.map((o) => `${pairs(`j_${o}`)} AS ${o}_kv`), 'JSONExtractArrayRaw(j_target) AS target_raws'].join(',\n'),
  // their fields, and each target's
  [
    ...TEXT_FIELDS.map(([o, k]) => `${value(`${o}_kv`, k)} AS ${fieldName(o, k)}`),
    `${value('actor_kv', 'detailEntry')} AS j_actor_detailEntry`,
    `${value('debugContext_kv', 'debugData')} AS j_debugData`,
    `${value('transaction_kv', 'detail')} AS j_transaction_detail`,
    `arrayMap(t -> ${pairs('t')}, target_raws) AS target_kvs`,
  ].join(',\n'),
  [
    `${pairs('j_debugData')} AS debug_data_kv`,
    `arrayMap(kv -> tuple(${['id', 'type', 'alternateId', 'displayName', 'detailEntry'].map((k) => value('kv', k)).join(', ')},
      ${uniqueKeys('kv')}), target_kvs) AS target_values`,
  ].join(',\n'),
  [
    `${value('debug_data_kv', 'grantType')} AS j_grantType`,
    `arrayMap(t -> ${pairs('t.5')}, target_values) AS detail_kvs`,
  ].join(',\n'),
  `arrayMap(d -> tuple(${value('d', 'subject')}, ${value('d', 'expires')}, ${uniqueKeys('d')}), detail_kvs) AS detail_values`,
  // the texts
  [
    `JSONExtractString(j_uuid) AS event_id, JSONExtractString(j_eventType) AS event_type, JSONExtractString(j_published) AS published_text`,
    ...TEXT_FIELDS.map(([o, k]) => `JSONExtractString(${fieldName(o, k)}) AS ${o}_${k}`),
    `if(startsWith(j_grantType, '"'), JSONExtractString(j_grantType), '') AS grant_type`,
    `arrayMap((t, d) -> tuple(JSONExtractString(t.1), JSONExtractString(t.2), JSONExtractString(t.3), JSONExtractString(t.4),
      if(startsWith(d.1, '"'), JSONExtractString(d.1), ''), JSONExtractString(d.2)), target_values, detail_values) AS target_texts`,
  ].join(',\n'),
  `${rfc3339Pieces('published_text')} AS published_pieces, arrayMap(t -> ${rfc3339Pieces('t.6')}, target_texts) AS expires_pieces`,
  `${rfc3339PiecesMillis('published_pieces', 'published_text')} AS published_ms,
    arrayMap((p, t) -> ${rfc3339PiecesMillis('p', 't.6')}, expires_pieces, target_texts) AS expires_ms`,
]

const TOKEN_TYPES = list(Object.keys(TOKEN_TARGET_TYPES))

/** A target the schema takes as it is: t (raw values), d (raw detailEntry values), e (its expiry in ms). */
const TARGET_OK = `(t.6 AND ${textOk('t.1')} AND ${textOk('t.2')} AND ${textOk('t.3')} AND ${textOk('t.4')} AND ${vendorMapOk('t.5')}
  AND ${ascii('x.3')}
  AND (NOT x.2 IN ${TOKEN_TYPES} OR (x.1 != '' AND (t.5 IN ('', 'null', '""')
    OR (d.3 AND ${textOk('d.1')} AND (${nullish('d.2')} OR (startsWith(d.2, '"') AND e IS NOT NULL)))))))`

const VERDICT_STEP = `
  startsWith(raw, '{') AND length(top_kv) > 0 AND ${uniqueKeys('top_kv')}
    -- no escaped surrogate (backslash, ud..): JS keeps a lone one, the engine cannot
    AND positionCaseInsensitive(raw, concat(char(92), 'ud')) = 0
    -- no deeper than the limit: fewer brackets than that in all
    AND countSubstrings(raw, '{') + countSubstrings(raw, '[') <= ${MAX_NESTING_DEPTH}
    -- a page or delivery of many events (okta.ts expand, envelope.ts) is the JS parser's
    AND NOT hasAny(top_kv.1, ${list([...ENVELOPE_KEYS, 'detail'])})
  AND startsWith(j_uuid, '"') AND event_id != '' AND startsWith(j_eventType, '"') AND event_type != '' AND event_type != '${EVENT_HOOK}'
  AND startsWith(j_published, '"') AND published_ms IS NOT NULL
  AND ${TEXT_FIELDS.map(([o, k]) => textOk(fieldName(o, k))).join(' AND ')}
  AND ${OBJECTS.map((o) => objectOk(`j_${o}`, `${o}_kv`)).join(' AND ')}
  AND (${nullish('j_actor')} OR (${vendorMapOk('j_actor_detailEntry')} AND ${ascii('actor_alternateId')}))
  AND (${nullish('j_target')} OR (startsWith(j_target, '[') AND arrayAll(t -> startsWith(t, '{'), target_raws)
    AND arrayAll((t, d, x, e) -> ${TARGET_OK}, target_values, detail_values, target_texts, expires_ms)))
  AND ${vendorMapOk('j_debugData')} AND ${uniqueKeys('debug_data_kv')} AND ${vendorMapOk('j_transaction_detail')} AS fast`

/** Staged lines (seq, line, raw) with `fast` and, for fast lines, what their facts are made of. */
export function oktaLineVerdicts(lines: SqlFragment): SqlFragment {
  return layered(lines, [...READ_STEPS, VERDICT_STEP])
}

function fact(f: Partial<Record<'kind' | 'subject_kind' | 'subject_id' | 'email' | 'login' | 'display_name' | 'client_id' | 'credential_id' | 'credential_type' | 'issued_at' | 'expires_at', string>>): string {
  const t = (k: keyof typeof f) => f[k] ?? `''`
  return `CAST(tuple(${t('kind')}, ${t('subject_kind')}, ${t('subject_id')}, ${t('email')}, ${t('login')}, ${t('display_name')}, '',
    ${t('client_id')}, ${t('credential_id')}, ${t('credential_type')}, ${f.issued_at ?? NO_TIME}, ${f.expires_at ?? NO_TIME}), '${FACT}')`
}

/** principals.ts personIdentity: the e-mail is the login when it reads as one (EMAIL; logins here are ASCII) */
const personIdentity = (id: string, login: string, name: string) =>
  fact({
    kind: `'identity'`, subject_kind: `'person'`, subject_id: id, login, display_name: name,
    email: `if(match(${login}, '^[^@ \\t\\n\\v\\f\\r]+@[^@ \\t\\n\\v\\f\\r]+[.][^@ \\t\\n\\v\\f\\r]+$'), lower(${login}), '')`,
  })
const serviceIdentity = (id: string, clientId: string, name: string) =>
  fact({ kind: `'identity'`, subject_kind: `'service'`, subject_id: id, client_id: clientId, display_name: name })
/** a workload principal (`wlp…`) has no client id */
const clientIdOf = (id: string) => `if(startsWith(${id}, 'wlp'), '', ${id})`
const isUser = (type: string, id: string) => `(${type} = 'User' AND ${id} != '')`
const isClient = (type: string, id: string) => `(${type} IN ${list(CLIENT_TYPES)} AND ${id} != '')`
const isWorkload = (type: string, id: string) => `(${type} = '${WORKLOAD_TYPE}' AND ${id} != '')`
const credentialType = (t: string) => `if(${t}.2 = 'access_token', '${TOKEN_TARGET_TYPES.access_token}', '${TOKEN_TARGET_TYPES.refresh_token}')`
const SERVICE_TARGET = `(${isClient('t.2', 't.1')} OR startsWith(t.1, '0oa') OR startsWith(t.1, 'wlp')
  OR position(lower(t.2), 'agent') > 0 OR position(lower(t.2), 'workload') > 0)`
const SUBJECT_KINDS = new Map([...SUBJECT_REVOCATIONS, ...OKTA_TRIGGERS])

/** principals.ts and tokens.ts: who the actor is, the requesting client, the token targets, the subject of the event. */
const SUBJECT_STEPS = [
  `startsWith(j_actor, '{') AS has_actor,
  -- a line that is not fast may have no time; its facts are built and dropped
  ifNull(published_ms, ${NO_TIME}) AS issued_ms,
  actor_type = 'SystemPrincipal' OR actor_alternateId = 'system@okta.com' AS actor_system,
  arrayMap((x, e) -> tuple(x.1, x.2, x.3, x.4, x.5, ifNull(e, ${NO_TIME})), target_texts, expires_ms) AS targets,
  transform(event_type, ${list(SUBJECT_KINDS.keys())}, ${list(SUBJECT_KINDS.values())}, '') AS subject_kind,
  if(event_type IN ${list(OKTA_TRIGGERS.keys())}, 'trigger', 'subject_revocation') AS subject_fact`,
  `if(has_actor AND actor_id != '' AND NOT actor_system,
    multiIf(${isUser('actor_type', 'actor_id')}, 'person', ${isClient('actor_type', 'actor_id')} OR ${isWorkload('actor_type', 'actor_id')}, 'service', ''),
    '') AS actor_subject_kind,
  if(client_id != '', client_id, if(has_actor AND ${isClient('actor_type', 'actor_id')}, actor_id, '')) AS request_client,
  arrayFilter(t -> t.2 IN ${TOKEN_TYPES} AND t.1 != '', targets) AS token_targets,
  arrayFirstIndex(t -> startsWith(t.1, '00T') OR lower(t.2) IN ('token', 'apitoken'), targets) AS api_token_index,
  arrayFirstIndex(t -> ${isUser('t.2', 't.1')} OR startsWith(t.1, '00u'), targets) AS person_index,
  arrayFirstIndex(t -> ${SERVICE_TARGET}, targets) AS service_target_index,
  arrayFirstIndex(t -> t.1 != '' AND NOT ${isUser('t.2', 't.1')}, targets) AS other_target_index`,
  `if(actor_subject_kind != '', actor_id, '') AS actor_subject_id,
  if(actor_subject_kind = 'service', ${clientIdOf('actor_id')}, '') AS actor_subject_client,
  if(api_token_index > 0, targets[api_token_index].1, '') AS api_token,
  targets[person_index].1 AS person_id,
  targets[if(service_target_index > 0, service_target_index, other_target_index)] AS service_target,
  service_target_index > 0 OR other_target_index > 0 AS has_service_target`,
]

const subjectOf = (t: string) => `if(${t}.5 != '', ${t}.5, actor_subject_id)`
const grantIsService = (t: string) =>
  `(grant_type = 'client_credentials' OR ${subjectOf(t)} = request_client OR startsWith(${subjectOf(t)}, '0oa') OR startsWith(${subjectOf(t)}, 'wlp'))`

/** okta.ts statedFacts and identityFacts, in that order; then distinctFacts, and `other` when none. */
const FACT_STEPS = [
  `multiIf(
    match(event_type, '${TOKEN_GRANT.source.replaceAll('\\', '\\\\')}'),
    arrayMap(t -> ${fact({
      kind: `'credential'`, subject_kind: `if(${subjectOf('t')} = '', '', if(${grantIsService('t')}, 'service', 'person'))`,
      subject_id: subjectOf('t'), client_id: 'request_client', credential_id: 't.1', credential_type: credentialType('t'),
      issued_at: 'issued_ms', expires_at: 't.6',
    })}, token_targets),
    event_type IN ${list(TOKEN_REVOCATIONS)},
    arrayMap(t -> ${fact({ kind: `'revocation'`, client_id: 'request_client', credential_id: 't.1', credential_type: credentialType('t') })}, token_targets),
    event_type = 'system.api_token.create',
    if(api_token != '', [${fact({
      kind: `'credential'`, subject_kind: 'actor_subject_kind', subject_id: 'actor_subject_id', client_id: 'actor_subject_client',
      credential_id: 'api_token', credential_type: `'api_key'`, issued_at: 'issued_ms',
    })}], ${NO_FACTS}),
    event_type = 'system.api_token.revoke',
    if(api_token != '', [${fact({ kind: `'revocation'`, credential_id: 'api_token', credential_type: `'api_key'` })}], ${NO_FACTS}),
    subject_kind = 'person',
    if(person_id != '', [${fact({ kind: 'subject_fact', subject_kind: `'person'`, subject_id: 'person_id' })}], ${NO_FACTS}),
    subject_kind = 'service',
    if(has_service_target, [
      ${fact({ kind: 'subject_fact', subject_kind: `'service'`, subject_id: 'service_target.1', client_id: clientIdOf('service_target.1') })},
      ${serviceIdentity('service_target.1', clientIdOf('service_target.1'), 'service_target.4')}], ${NO_FACTS}),
    ${NO_FACTS}) AS stated,
  arrayConcat(
    if(has_actor AND NOT actor_system,
      multiIf(${isUser('actor_type', 'actor_id')}, [${personIdentity('actor_id', 'actor_alternateId', 'actor_displayName')}],
        ${isClient('actor_type', 'actor_id')} OR ${isWorkload('actor_type', 'actor_id')},
        [${serviceIdentity('actor_id', clientIdOf('actor_id'), 'actor_displayName')}], ${NO_FACTS}),
      ${NO_FACTS}),
    arrayMap(t -> ${personIdentity('t.1', 't.3', 't.4')}, arrayFilter(t -> ${isUser('t.2', 't.1')}, targets))) AS identities`,
  `if(outcome_result IN ('', ${[...SUCCESS_RESULTS].map((r) => `'${r}'`).join(', ')}), arrayConcat(stated, identities), ${NO_FACTS}) AS drafts`,
  `arrayFilter((f, i) -> indexOf(drafts, f) = i, drafts, arrayEnumerate(drafts)) AS distinct_drafts`,
  `if(empty(distinct_drafts), [${fact({ kind: `'other'` })}], distinct_drafts) AS facts`,
]

/**
 * Stores the ingest_staging_okta rows of the staged lines (db/clickhouse/0008), every line read
 * once: a fast line with its facts as idp_events fields, any other line with none. A fast
 * line has at most 100 brackets, so far fewer than 256 facts (fact_index is a UInt8).
 */
export function stageOktaRows(lines: SqlFragment, batchId: string): SqlFragment {
  let records = oktaLineVerdicts(lines)
  for (const step of [...SUBJECT_STEPS, ...FACT_STEPS]) records = sql`SELECT *, ${unsafeRawSql(step)} FROM (${records})`
  const time = (ms: string) => `if(${ms} = ${NO_TIME}, NULL, fromUnixTimestamp64Milli(${ms}, 'UTC'))`
  const fields = `f.kind, f.subject_kind, f.subject_id, f.email, f.login, f.display_name, f.owner, f.client_id, f.credential_id,
    f.credential_type, ${time('f.issued_at')}, ${time('f.expires_at')}`
  return sql`
INSERT INTO ingest_staging_okta (batch_id, seq, fast, event_id, time, vendor_event_type, facts, raw)
SELECT ${batchId}, seq, fast, event_id, fromUnixTimestamp64Milli(ifNull(published_ms, 0), 'UTC'),
  event_type, if(fast, arrayMap(f -> tuple(${unsafeRawSql(fields)}), facts), []), raw
FROM (${records})`
}
