import { command, sql } from '@/lib/clickhouse'
import { ACTIONS_PER_SESSION, type BenchShape } from './shape'
import { msTime, personId, personLogin, sessionColumns, u64, uuidOf } from './session-plan'

const ROWS_PER_SESSION = ACTIONS_PER_SESSION + 1
const INGESTED_AT = new Date('2026-11-01T00:00:00.000Z')
const opts = { tag: 'bench:generate', timeoutSeconds: 3600 }

const COLUMNS = sql`(event_id, source, time, gateway, method, outcome, is_action, server, tool, prompt, resource_uri,
  request_id, session_id, protocol_version, client_name, client_version, src_addr, http_status, duration_ms,
  auth_scheme, credential_id, credential_type, jwt_iss, jwt_sub, jwt_client_id, jwt_aud, token_iat, token_exp,
  user_claim, api_key_name, raw, run_id, ingested_at)`

const SELECTED = sql`event_id, 'gateway', time, gateway, method, outcome, is_action, server, tool, '', resource_uri,
  request_id, session_id, '2025-06-18', client_name, '1.4.2', src_addr, http_status, duration_ms,
  auth_scheme, credential_id, credential_type, jwt_iss, jwt_sub, jwt_client_id, jwt_aud, token_iat, token_exp,
  user_claim, api_key_name, raw, 'bench', ${INGESTED_AT}`

/**
 * Every session's `initialize` and its 32 agent actions (row k of session s; k = 0 is the
 * handshake), then refused requests, then a copy of two rows in a hundred (a log shipped
 * twice). Two gateways: one writes uuid event ids, the other leaves them to the parser
 * (sha256 of the line).
 */
export async function generateGatewayRequests(shape: BenchShape): Promise<void> {
  await command(
    sql`INSERT INTO gateway_requests ${COLUMNS}
      SELECT ${SELECTED} FROM (
        SELECT number AS n, intDiv(n, ${ROWS_PER_SESSION}) AS s, n % ${ROWS_PER_SESSION} AS k, ${sessionColumns(shape)},
          ${msTime(sql`if(k = 0, start_ms, start_ms + k * gap_ms + cityHash64(n, 11) % 1000)`)} AS time,
          if(k = 0, 'initialize', arrayElement(['tools/call', 'resources/read', 'tools/list', 'prompts/get'],
            multiIf(cityHash64(n, 13) % 100 < 80, 1, cityHash64(n, 13) % 100 < 90, 2, cityHash64(n, 13) % 100 < 97, 3, 4))) AS method,
          if(k > 0 AND cityHash64(n, 14) % 100 < 2, 'error', 'ok') AS outcome,
          toUInt8(k > 0) AS is_action,
          class IN ('token', 'client', 'key', 'unknown', 'conflict') OR (class = 'inherit' AND k = 0) AS presents,
          if(presents, session_credential, '') AS credential_id,
          startsWith(credential_id, 'AT.') AS bearer,
          if(class = 'unknown', start_ms - 60000, granted_ms) AS issued_ms,
          multiIf(bearer AND class = 'client', service_client, bearer AND class != 'conflict', ${personId(sql`person`)},
                  class = 'claim' AND s % 2 = 0, ${personId(sql`person`)},
                  class = 'unmapped' AND s % 3 = 0, concat('ghost-', toString(s % 500)), '') AS jwt_sub,
          multiIf(class = 'claim' AND s % 2 = 1, upper(${personLogin(sql`person`)}),
                  class = 'unmapped' AND s % 3 != 0, concat('ghost-', toString(s % 500), '@contractor.example'),
                  class = 'conflict', ${personLogin(sql`other_person`)},
                  class = 'inherit' AND s % 10 = 0 AND k = 16, ${personLogin(sql`other_person`)}, '') AS user_claim,
          ${requestDetails()}
        FROM numbers(${u64(shape.sessions * ROWS_PER_SESSION)})
      )`,
    opts,
  )
  await generateRefusedRequests(shape)
  await command(sql`INSERT INTO gateway_requests SELECT * FROM gateway_requests WHERE cityHash64(event_id) % 100 < 2`, opts)
}

/** The columns that only dress a request (server, client, token claims, raw line). */
function requestDetails() {
  return sql`if(cityHash64(s, 12) % 2 = 0, 'agw-prod', 'agw-edge') AS gateway,
    if(gateway = 'agw-prod', ${uuidOf(sql`concat('gw-', toString(n))`)}, lower(hex(SHA256(concat('gw-', toString(n)))))) AS event_id,
    if(cityHash64(s, 15) % 50 = 0, '', concat('srv-', toString(cityHash64(s, 16) % 40))) AS server,
    if(method = 'tools/call', concat('tool-', toString(cityHash64(s, 16) % 40), '-', toString(cityHash64(n, 17) % 8)), '') AS tool,
    if(method = 'resources/read', concat('file:///docs/', toString(cityHash64(n, 18) % 1000)), '') AS resource_uri,
    toString(k) AS request_id,
    if(class = 'bare' AND s % 2 = 0, '', concat('mcp-', lower(hex(cityHash64(s, 19))))) AS session_id,
    arrayElement(['claude-code', 'cursor', 'codex-cli', 'goose', 'windsurf', 'continue', 'custom-agent', ''], 1 + cityHash64(s, 20) % 8) AS client_name,
    concat('10.', toString(cityHash64(s, 21) % 256), '.', toString(cityHash64(s, 22) % 256), '.', toString(cityHash64(s, 23) % 256)) AS src_addr,
    toNullable(toUInt16(if(outcome = 'error', 500, 200))) AS http_status,
    toNullable(toFloat64(cityHash64(n, 24) % 20000) / 10) AS duration_ms,
    multiIf(bearer, 'bearer', credential_id != '', 'api_key', 'none') AS auth_scheme,
    multiIf(bearer, 'oauth_access', credential_id != '', 'api_key', '') AS credential_type,
    if(bearer, 'https://acme.okta.com/oauth2/default', '') AS jwt_iss,
    multiIf(bearer AND class = 'client', service_client, bearer, agent_app, '') AS jwt_client_id,
    if(bearer, 'api://mcp', '') AS jwt_aud,
    if(bearer, toNullable(${msTime(sql`intDiv(issued_ms, 1000) * 1000`)}), NULL) AS token_iat,
    if(bearer, toNullable(${msTime(sql`intDiv(issued_ms, 1000) * 1000 + 3600000`)}), NULL) AS token_exp,
    if(class = 'key', concat('svc-', toString(key_no), '-key'), '') AS api_key_name,
    concat('{"ts":"', toString(time), '","gateway":"', gateway, '","session":"', session_id, '","method":"', method,
      '","server":"', server, '","tool":"', tool, '","client":"', client_name, '","sub":"', jwt_sub, '","user":"', user_claim,
      '","status":', toString(http_status), ',"duration_ms":', toString(duration_ms), ',"jti":"', credential_id, '"}') AS raw`
}

/** One request in a hundred actions is refused (401): an expired or foreign token, in a real session. */
async function generateRefusedRequests(shape: BenchShape): Promise<void> {
  const windowMs = shape.to.getTime() - shape.from.getTime()
  await command(
    sql`INSERT INTO gateway_requests ${COLUMNS}
      SELECT ${SELECTED} FROM (
        SELECT number AS d, cityHash64(d, 50) % ${u64(shape.sessions)} AS s,
          ${uuidOf(sql`concat('gw-denied-', toString(d))`)} AS event_id,
          ${msTime(sql`${shape.from.getTime()} + toInt64(cityHash64(d, 51) % ${u64(windowMs)})`)} AS time,
          'agw-prod' AS gateway, 'tools/call' AS method, 'denied' AS outcome, toUInt8(0) AS is_action,
          concat('srv-', toString(cityHash64(s, 16) % 40)) AS server, concat('tool-', toString(cityHash64(s, 16) % 40), '-0') AS tool,
          '' AS resource_uri, '1' AS request_id, concat('mcp-', lower(hex(cityHash64(s, 19)))) AS session_id,
          'claude-code' AS client_name, '10.0.0.1' AS src_addr, toNullable(toUInt16(401)) AS http_status,
          toNullable(toFloat64(1)) AS duration_ms, 'bearer' AS auth_scheme,
          concat('AT.denied', lower(hex(cityHash64(d, 52)))) AS credential_id, 'oauth_access' AS credential_type,
          'https://acme.okta.com/oauth2/default' AS jwt_iss, ${personId(sql`cityHash64(d, 53) % ${u64(shape.persons)}`)} AS jwt_sub,
          '0oaagent0' AS jwt_client_id, 'api://mcp' AS jwt_aud,
          CAST(NULL AS Nullable(DateTime64(3, 'UTC'))) AS token_iat, CAST(NULL AS Nullable(DateTime64(3, 'UTC'))) AS token_exp,
          '' AS user_claim, '' AS api_key_name,
          concat('{"ts":"', toString(time), '","session":"', session_id, '","status":401,"error":"invalid_token"}') AS raw
        FROM numbers(${u64(shape.deniedRequests)})
      )`,
    opts,
  )
}
