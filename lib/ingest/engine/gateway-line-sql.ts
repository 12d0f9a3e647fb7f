import { joinSql, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { calendarTimeValid } from './rfc3339-sql'

/**
 * The gateway log line (shared/spec/gateway-log.md) read by the engine: one parse per
 * line into the known keys, then the row lib/sources/gateway.ts would build. The JS
 * parser stays the only judge of bad lines: `fast` is 1 only when every value has the
 * exact JSON type and shape that parser accepts, so the row is the one it builds;
 * anything unusual is 0 and goes to the JS parser (its row, or its reject and reason).
 *
 * Types from one lenient parse: JSONExtract into String gives a string as itself, null
 * or an absent key as '', and any other value as its JSON text (5, 5.5, true, [..], {..}).
 * Only a value that reads like such text is ambiguous; then the raw line must show it
 * quoted (`"key":"`), and numbers must show a digit after `"key":`. That is sound because
 * a fast line has known keys only, each once, and no nested object (no string value
 * starts like one), so `"key":` can only be that key. Lines with whitespace around those
 * colons simply fall back.
 *
 * The query is layered (fields → readings → verdicts) so the analyzer resolves each
 * alias once: one flat SELECT with these aliases costs ~150 ms of planning per batch.
 */

/** Every key of the line the engine reads (the spec's, but `token` and the legacy aliases), and its alias. */
const KEYS: Record<string, string> = {
  time: 'v_time', 'mcp.method.name': 'v_method', event_id: 'v_event_id', gateway: 'v_gateway', 'mcp.target': 'v_server',
  'gen_ai.tool.name': 'v_tool', 'gen_ai.prompt.name': 'v_prompt', 'mcp.resource.uri': 'v_resource_uri',
  'jsonrpc.request.id': 'v_request_id', 'mcp.session.id': 'v_session_id', 'mcp.protocol.version': 'v_protocol_version',
  'client.name': 'v_client_name', 'client.version': 'v_client_version', 'src.addr': 'v_src_addr', 'http.status': 'v_status',
  outcome: 'v_outcome', duration: 'v_duration', 'auth.scheme': 'v_scheme', 'jwt.iss': 'v_iss', 'jwt.sub': 'v_sub',
  'jwt.aud': 'v_aud', 'jwt.client_id': 'v_client_id', 'jwt.azp': 'v_azp', 'jwt.appid': 'v_appid', 'jwt.cid': 'v_cid',
  'jwt.jti': 'v_jti', 'jwt.uti': 'v_uti', 'jwt.iat': 'v_iat', 'jwt.exp': 'v_exp', user: 'v_user',
  'apiKey.sha256': 'v_key_sha256', 'apiKey.name': 'v_key_name',
}

/** Keys whose value must be a JSON string, with the reading under which another type reads the same. */
const STRING_KEYS: Array<[key: string, orElse?: string]> = [
  ['mcp.method.name'], ['event_id', 'event_id_is_int'], ['gateway'], ['mcp.target'], ['gen_ai.tool.name'],
  ['gen_ai.prompt.name'], ['mcp.resource.uri'], ['jsonrpc.request.id', 'request_id_is_int'], ['mcp.session.id'],
  ['mcp.protocol.version'], ['client.name'], ['client.version'], ['src.addr'], ['jwt.iss'], ['jwt.sub'],
  ['jwt.aud', 'aud_is_list'], ['jwt.client_id'], ['jwt.azp'], ['jwt.appid'], ['jwt.cid'], ['jwt.jti'], ['jwt.uti'],
  ['user'], ['apiKey.sha256'], ['apiKey.name'],
]

/** Reads a staged batch (a table expression of seq, line, raw) into ingest_staging_gateway: one row per line, fast or not. */
export function normalizeStagedGatewayLines(batchId: string, lines: SqlFragment): SqlFragment {
  return sql`
INSERT INTO ingest_staging_gateway (batch_id, seq, fast, event_id, time, gateway, method, outcome, is_action, server, tool,
  prompt, resource_uri, request_id, session_id, protocol_version, client_name, client_version, src_addr, http_status,
  duration_ms, auth_scheme, credential_id, credential_type, jwt_iss, jwt_sub, jwt_client_id, jwt_aud, token_iat, token_exp,
  user_claim, api_key_name, raw)
SELECT
  ${batchId}, seq,
  shape_ok AND text_ok AND time_ok AND method_ok AND status_ok AND outcome_ok AND scheme_ok AND duration_ok AND aud_ok
    AND iat_ok AND exp_ok AND key_sha256_ok,
  if(v_event_id != '', v_event_id, lower(hex(SHA256(if(v_event_id = '', raw, ''))))),
  fromUnixTimestamp64Milli(if(time_ok, time_ms, 0), 'UTC'),
  v_gateway, v_method, outcome,
  outcome != 'denied' AND v_method NOT IN ('initialize', 'ping') AND NOT startsWith(v_method, 'notifications/'),
  v_server, v_tool, v_prompt, v_resource_uri, v_request_id, v_session_id, v_protocol_version,
  v_client_name, v_client_version, v_src_addr,
  if(status = 0, NULL, status),
  duration_ms,
  multiIf(v_scheme != '', v_scheme, jwt_present, 'bearer', key_present, 'api_key', 'none'),
  multiIf(token_id != '', token_id, key_sha256 != '', concat('sha256:', key_sha256), ''),
  multiIf(token_id != '', 'oauth_access', key_sha256 != '', 'api_key', ''),
  v_iss, v_sub,
  multiIf(v_client_id != '', v_client_id, v_azp != '', v_azp, v_appid != '', v_appid, v_cid),
  aud,
  if(v_iat != '' AND iat_ok, fromUnixTimestamp64Milli(iat * 1000, 'UTC'), NULL),
  if(v_exp != '' AND exp_ok, fromUnixTimestamp64Milli(exp * 1000, 'UTC'), NULL),
  v_user, v_key_name,
  raw
FROM (${verdicts(lines)})
SETTINGS
  -- every branch is cheap and none throws: lazy branches would copy the wide columns once per branch
  short_circuit_function_evaluation = 'disable',
  precise_float_parsing = 1,
  -- planning this query costs ~200 ms with these on, and they find nothing to gain here
  optimize_and_compare_chain = 0, query_plan_merge_expressions = 0,
  -- keep the blocks apart, so the next read runs one thread per block
  min_insert_block_size_rows = 0, min_insert_block_size_bytes = 0, distributed_foreground_insert = 1`
}

const alias = (key: string) => unsafeRawSql(KEYS[key])
const quotedKey = (key: string) => unsafeRawSql(`\`${key}\``)

/** Each known key's value, and whether the line is an object of known keys only, each once. */
function fields(lines: SqlFragment): SqlFragment {
  const tuple = `'Tuple(${Object.keys(KEYS).map((k) => `\`${k}\` String`).join(', ')})'`
  return sql`
SELECT
  seq, raw,
  ${joinSql(Object.keys(KEYS).map((k) => sql`f.${quotedKey(k)} AS ${alias(k)}`), ', ')},
  -- no escaped surrogate (backslash, ud..): JS keeps a lone one, the engine cannot
  startsWith(raw, '{') AND positionCaseInsensitive(raw, concat(char(92), 'ud')) = 0
    AND arrayAll(k -> k IN ${Object.keys(KEYS)}, keys) AND arrayUniq(keys) = length(keys) AS shape_ok,
  -- "" is refused where null and absent are not
  NOT has(keys, 'http.status') OR position(raw, '"http.status":null') > 0 AS no_status,
  NOT has(keys, 'outcome') OR position(raw, '"outcome":null') > 0 AS no_outcome,
  NOT has(keys, 'auth.scheme') OR position(raw, '"auth.scheme":null') > 0 AS no_scheme,
  NOT has(keys, 'jwt.iat') OR position(raw, '"jwt.iat":null') > 0 AS no_iat,
  NOT has(keys, 'jwt.exp') OR position(raw, '"jwt.exp":null') > 0 AS no_exp
FROM (SELECT seq, raw, JSONExtract(raw, ${unsafeRawSql(tuple)}) AS f, JSONExtractKeys(raw) AS keys FROM ${lines})`
}

/** What each value reads as: the pieces of a time, integers, the character after a key's colon. */
function readings(lines: SqlFragment): SqlFragment {
  return sql`
SELECT
  *,
  match(v_time, '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$') AS time_is_text,
  toInt64OrZero(substring(v_time, 1, 4)) AS t_year, toInt64OrZero(substring(v_time, 6, 2)) AS t_month,
  toInt64OrZero(substring(v_time, 9, 2)) AS t_day, toInt64OrZero(substring(v_time, 12, 2)) AS t_hour,
  toInt64OrZero(substring(v_time, 15, 2)) AS t_minute, toInt64OrZero(substring(v_time, 18, 2)) AS t_second,
  -- milliseconds are cut, not rounded (record-time.ts)
  toInt64OrZero(rightPad(substring(extract(v_time, '^.{19}[.]([0-9]+)'), 1, 3), 3, '0')) AS t_millis,
  -- days since 1970-01-01 (whether the day exists is checked in timeVerdict)
  toInt32(makeDate32(least(greatest(t_year, 1900), 2299), least(greatest(t_month, 1), 12), 1)) + t_day - 1 AS t_days,
  NOT match(v_time, '[Zz]$') AS t_has_offset,
  if(substring(v_time, -6, 1) = '-', -1, 1) AS t_offset_sign,
  toInt64OrZero(substring(v_time, -5, 2)) AS t_offset_hours, toInt64OrZero(substring(v_time, -2, 2)) AS t_offset_minutes,
  match(v_time, '^[1-9][0-9]{11,13}$') AND substring(raw, position(raw, '"time":') + 7, 1) BETWEEN '1' AND '9' AS time_is_epoch,
  toUInt16OrZero(v_status) AS status,
  match(v_status, '^[1-5][0-9][0-9]$')
    AND substring(raw, position(raw, '"http.status":') + 14, 1) BETWEEN '1' AND '5' AS status_is_number,
  match(v_iat, '^-?[0-9]{1,12}$') AND match(substring(raw, position(raw, '"jwt.iat":') + 10, 1), '[-0-9]') AS iat_is_number,
  match(v_exp, '^-?[0-9]{1,12}$') AND match(substring(raw, position(raw, '"jwt.exp":') + 10, 1), '[-0-9]') AS exp_is_number,
  startsWith(v_aud, '[') AND position(raw, '"jwt.aud":[') > 0 AS aud_is_list,
  -- an id the JS prints as the same text whether it came as a number or a string
  match(v_event_id, '^(0|-?[1-9][0-9]{0,14})$') AS event_id_is_int,
  match(v_request_id, '^(0|-?[1-9][0-9]{0,14})$') AS request_id_is_int,
  -- "184ms" / "1.5s" in thousandths: exact
  toInt64OrZero(extract(v_duration, '^([0-9]+)')) * 1000
    + toInt64OrZero(rightPad(extract(v_duration, '^[0-9]+[.]([0-9]+)'), 3, '0')) AS duration_thousandths
FROM (${fields(lines)})`
}

/** Whether each value is one the JS parser takes as it is, and the values it turns them into. */
function verdicts(lines: SqlFragment): SqlFragment {
  return sql`
SELECT
  *,
  ${timeVerdict()},
  ${textVerdict()},
  v_method != '' AND match(v_method, '[!-~]') AS method_ok,
  no_status OR status_is_number AS status_ok,
  no_outcome OR v_outcome IN ('ok', 'error', 'denied') AS outcome_ok,
  no_scheme OR v_scheme IN ('bearer', 'api_key', 'none') AS scheme_ok,
  -- a number or a decimal string: the same milliseconds
  multiIf(
    match(v_duration, '^[0-9]+([.][0-9]+)?$'), toFloat64OrNull(v_duration),
    match(v_duration, '^[0-9]{1,9}([.][0-9]{1,3})?ms$'), duration_thousandths / 1000,
    match(v_duration, '^[0-9]{1,6}([.][0-9]{1,3})?s$'), toFloat64(duration_thousandths),
    NULL) AS duration_ms,
  v_duration = '' OR duration_ms IS NOT NULL AS duration_ok,
  NOT startsWith(v_aud, '[') OR (aud_is_list AND arrayAll(e -> startsWith(e, '"'), JSONExtractArrayRaw(v_aud))) AS aud_ok,
  if(aud_is_list, arrayStringConcat(JSONExtract(v_aud, 'Array(String)'), ' '), v_aud) AS aud,
  -- jwt.iat / jwt.exp: epoch seconds as a JSON integer, 1900 .. 2299
  if(iat_is_number, toInt64OrZero(v_iat), 0) AS iat,
  if(exp_is_number, toInt64OrZero(v_exp), 0) AS exp,
  no_iat OR (iat_is_number AND iat BETWEEN -2208988800 AND 10413791999) AS iat_ok,
  no_exp OR (exp_is_number AND exp BETWEEN -2208988800 AND 10413791999) AS exp_ok,
  v_key_sha256 = '' OR match(v_key_sha256, '^([sS][hH][aA]256:)?[0-9a-fA-F]{64}$') AS key_sha256_ok,
  lower(right(v_key_sha256, 64)) AS key_sha256,
  if(v_jti != '', v_jti, v_uti) AS token_id,
  if(v_outcome != '', v_outcome, multiIf(status IN (401, 403), 'denied', status >= 400, 'error', 'ok')) AS outcome,
  v_iss != '' OR v_sub != '' OR v_aud != '' OR v_client_id != '' OR v_azp != '' OR v_appid != '' OR v_cid != ''
    OR v_jti != '' OR v_uti != '' OR v_iat != '' OR v_exp != '' AS jwt_present,
  v_key_sha256 != '' OR v_key_name != '' AS key_present
FROM (${readings(lines)})`
}

const TIME_PIECES_VALID = calendarTimeValid({ year: 't_year', month: 't_month', day: 't_day', hour: 't_hour', minute: 't_minute', second: 't_second' })

/** `time`: RFC 3339 of the shapes record-time.ts reads, or epoch milliseconds as a JSON integer; 1900 .. 2299. */
function timeVerdict(): SqlFragment {
  return sql`
  if(t_has_offset, t_offset_sign * (t_offset_hours * 60 + t_offset_minutes), 0) AS t_offset,
  if(time_is_epoch, toInt64OrZero(v_time),
    (((t_days * 24 + t_hour) * 60 + t_minute - t_offset) * 60 + t_second) * 1000 + t_millis) AS time_ms,
  (time_is_epoch OR (time_is_text AND ${unsafeRawSql(TIME_PIECES_VALID)}
      AND (NOT t_has_offset OR (t_offset_hours <= 23 AND t_offset_minutes <= 59))))
    AND time_ms BETWEEN -2208988800000 AND 10413791999999 AS time_ok`
}

/**
 * Values that must be JSON strings. If any reads like a number, true/false, an array or
 * an object, each must be seen quoted, and none may start like an array or an object
 * (so no nested object can hide a `"key":`).
 */
function textVerdict(): SqlFragment {
  const values = STRING_KEYS.map(([key, orElse]) => (orElse ? sql`if(${unsafeRawSql(orElse)}, '', ${alias(key)})` : sql`${alias(key)}`))
  const quoted = STRING_KEYS.map(([key, orElse]) => {
    const value = alias(key)
    return sql`(${value} = '' OR ${unsafeRawSql(orElse ? `${orElse} OR` : '')} (position(raw_to_check, ${`"${key}":"`}) > 0
      AND NOT startsWith(${value}, '[') AND NOT startsWith(${value}, '{')))`
  })
  return sql`
  match(concat(${joinSql(values, `, ' ', `)}),
    '(^| )(-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?( |$)|true( |$)|false( |$)|[[{])') AS text_ambiguous,
  if(text_ambiguous, raw, '') AS raw_to_check,
  NOT text_ambiguous OR (${joinSql(quoted, '\n    AND ')}) AS text_ok`
}
