import { command, sql, type SqlFragment } from '@/lib/clickhouse'
import { benchShape, type BenchShape } from '../reports/shape'
import { msTime, personId, personLogin, sessionColumns, u64, uuidOf } from '../reports/session-plan'

/**
 * The customer's company: the report benchmark's sessions (test/bench/reports/session-plan.ts,
 * the same classes and credentials), with people and keys in a large customer's proportion
 * (10M actions ↔ 25k people, 6k inventory keys, ~600k Okta events).
 */
export function customerShape(actions: number): BenchShape {
  const shape = benchShape(actions)
  return { ...shape, persons: Math.max(40, Math.round(shape.actions / 400)), inventoryKeys: Math.max(4, Math.round(shape.actions / 1667)) }
}

const opts = { tag: 'bench:customer-files', timeoutSeconds: 7200 }
const ISSUER = 'https://acme.okta.com/oauth2/default'
const iso = (t: SqlFragment) => sql`concat(replaceOne(toString(${t}), ' ', 'T'), 'Z')`
const epoch = (t: SqlFragment) => sql`toString(toUnixTimestamp(${t}))`

/**
 * Writes the vendor-format files a customer's shippers deliver, one per source and day (and
 * gateway), straight from the engine (nothing is held in this process):
 * `<dir>/gateway/<gateway>-<day>.ndjson` (gateway-log.md lines), `<dir>/okta/<day>.ndjson`
 * (Okta System Log LogEvents as /api/v1/logs returns them, one per line), `<dir>/keys.ndjson`.
 */
export type CustomerSource = 'gateway' | 'okta' | 'keys'

export async function writeCustomerFiles(shape: BenchShape, dir: string, sources: CustomerSource[] = ['gateway', 'okta', 'keys']): Promise<void> {
  if (sources.includes('gateway')) {
    const part = sql`concat(extract(line, '"gateway":"([^"]+)"'), '-', extract(line, '"time":"([0-9-]{10})'))`
    await writeLines(`${dir}/gateway/{_partition_id}.ndjson`, gatewayLines(shape), part)
  }
  if (sources.includes('okta')) await writeLines(`${dir}/okta/{_partition_id}.ndjson`, oktaEvents(shape), sql`extract(line, '"published":"([0-9-]{10})')`)
  if (sources.includes('keys')) {
    await command(sql`INSERT INTO FUNCTION file(${`${dir}/keys.ndjson`}, 'LineAsString') SELECT line FROM (${keyLines(shape)})`, opts)
  }
}

/** `select` yields lines; each value of `part` (an expression of the line) becomes one file. */
async function writeLines(pattern: string, select: SqlFragment, part: SqlFragment): Promise<void> {
  await command(sql`INSERT INTO FUNCTION file(${pattern}, 'LineAsString', 'line String') PARTITION BY ${part} SELECT line FROM (${select})`, {
    ...opts,
    settings: { max_threads: 2 },
  })
}

const ROWS_PER_SESSION = 33

/** Every session's `initialize` and its 32 actions, then one refused request per hundred actions. */
function gatewayLines(shape: BenchShape): SqlFragment {
  const windowMs = shape.to.getTime() - shape.from.getTime()
  return sql`SELECT concat('{"time":"', ${iso(sql`time`)}, '"', if(gateway = 'agw-prod', concat(',"event_id":"', ${uuidOf(sql`concat('gw-', toString(n))`)}, '"'), ''),
        ',"gateway":"', gateway, '","mcp.method.name":"', method, '"', if(server = '', '', concat(',"mcp.target":"', server, '"')),
        multiIf(method = 'tools/call', concat(',"gen_ai.tool.name":"tool-', toString(cityHash64(s, 16) % 40), '-', toString(cityHash64(n, 17) % 8), '"'),
                method = 'resources/read', concat(',"mcp.resource.uri":"file:///docs/', toString(cityHash64(n, 18) % 1000), '"'), ''),
        ',"jsonrpc.request.id":', toString(k), if(session_id = '', '', concat(',"mcp.session.id":"', session_id, '"')),
        if(client_name = '', '', concat(',"client.name":"', client_name, '","client.version":"1.4.2"')),
        ',"src.addr":"10.', toString(cityHash64(s, 21) % 256), '.', toString(cityHash64(s, 22) % 256), '.', toString(cityHash64(s, 23) % 256), ':443"',
        ',"http.status":', toString(status), ',"duration":', toString(cityHash64(n, 24) % 20000 / 10), credential,
        if(user_claim = '', '', concat(',"user":"', user_claim, '"')), '}') AS line
    FROM (
      SELECT number AS n, intDiv(n, ${ROWS_PER_SESSION}) AS s, n % ${ROWS_PER_SESSION} AS k, ${sessionColumns(shape)},
        ${msTime(sql`if(k = 0, start_ms, start_ms + k * gap_ms + cityHash64(n, 11) % 1000)`)} AS time,
        if(k = 0, 'initialize', arrayElement(['tools/call', 'resources/read', 'tools/list', 'prompts/get'],
          multiIf(cityHash64(n, 13) % 100 < 80, 1, cityHash64(n, 13) % 100 < 90, 2, cityHash64(n, 13) % 100 < 97, 3, 4))) AS method,
        if(k > 0 AND cityHash64(n, 14) % 100 < 2, 500, 200) AS status,
        class IN ('token', 'client', 'key', 'unknown', 'conflict') OR (class = 'inherit' AND k = 0) AS presents,
        if(presents, session_credential, '') AS credential_id,
        if(class = 'unknown', start_ms - 60000, granted_ms) AS issued_ms,
        multiIf(startsWith(credential_id, 'AT.') AND class = 'client', service_client,
                startsWith(credential_id, 'AT.') AND class != 'conflict', ${personId(sql`person`)},
                class = 'claim' AND s % 2 = 0, ${personId(sql`person`)},
                class = 'unmapped' AND s % 3 = 0, concat('ghost-', toString(s % 500)), '') AS jwt_sub,
        multiIf(class = 'claim' AND s % 2 = 1, upper(${personLogin(sql`person`)}),
                class = 'unmapped' AND s % 3 != 0, concat('ghost-', toString(s % 500), '@contractor.example'),
                class = 'conflict', ${personLogin(sql`other_person`)},
                class = 'inherit' AND s % 10 = 0 AND k = 16, ${personLogin(sql`other_person`)}, '') AS user_claim,
        ${credentialFields()},
        if(cityHash64(s, 12) % 2 = 0, 'agw-prod', 'agw-edge') AS gateway,
        if(cityHash64(s, 15) % 50 = 0, '', concat('srv-', toString(cityHash64(s, 16) % 40))) AS server,
        if(class = 'bare' AND s % 2 = 0, '', concat('mcp-', lower(hex(cityHash64(s, 19))))) AS session_id,
        arrayElement(['claude-code', 'cursor', 'codex-cli', 'goose', 'windsurf', 'continue', 'custom-agent', ''], 1 + cityHash64(s, 20) % 8) AS client_name
      FROM numbers(${u64(shape.sessions * ROWS_PER_SESSION)})
      UNION ALL
      SELECT number AS n, cityHash64(n, 50) % ${u64(shape.sessions)} AS s, 1 AS k, ${sessionColumns(shape)},
        ${msTime(sql`${shape.from.getTime()} + toInt64(cityHash64(n, 51) % ${u64(windowMs)})`)} AS time,
        'tools/call' AS method, 401 AS status, true AS presents, concat('AT.denied', lower(hex(cityHash64(n, 52)))) AS credential_id,
        toInt64(toUnixTimestamp64Milli(time)) - 7200000 AS issued_ms, ${personId(sql`person`)} AS jwt_sub, '' AS user_claim,
        ${credentialFields()}, 'agw-prod' AS gateway, concat('srv-', toString(cityHash64(s, 16) % 40)) AS server,
        concat('mcp-', lower(hex(cityHash64(s, 19)))) AS session_id, 'claude-code' AS client_name
      FROM numbers(${u64(shape.deniedRequests)})
    )`
}

/** What the request presented, as gateway-log.md fields (a leading comma, or nothing). */
function credentialFields(): SqlFragment {
  return sql`multiIf(
      startsWith(credential_id, 'AT.'), concat(',"auth.scheme":"bearer","jwt.iss":"', ${ISSUER}, '"',
        if(jwt_sub = '', '', concat(',"jwt.sub":"', jwt_sub, '"')), ',"jwt.jti":"', credential_id, '","jwt.client_id":"',
        if(class = 'client', service_client, agent_app), '","jwt.aud":"api://mcp","jwt.iat":', toString(intDiv(issued_ms, 1000)),
        ',"jwt.exp":', toString(intDiv(issued_ms, 1000) + 3600)),
      startsWith(credential_id, 'sha256:'), concat(',"auth.scheme":"api_key","apiKey.sha256":"', substring(credential_id, 8), '"',
        if(class = 'key', concat(',"apiKey.name":"svc-', toString(key_no), '-key"'), '')),
      jwt_sub != '', concat(',"auth.scheme":"bearer","jwt.iss":"', ${ISSUER}, '","jwt.sub":"', jwt_sub, '"'),
      ',"auth.scheme":"none"') AS credential`
}

const userPrincipal = (p: SqlFragment) =>
  sql`concat('{"id":"', ${personId(p)}, '","type":"User","alternateId":"', ${personLogin(p)}, '","displayName":"User ', toString(${p}), '","detailEntry":null}')`
const clientPrincipal = (id: SqlFragment) =>
  sql`concat('{"id":"', ${id}, '","type":"PublicClientApp","alternateId":"', ${id}, '","displayName":"Service ', ${id}, '","detailEntry":null}')`
const SYSTEM = '{"id":"0oa1system","type":"SystemPrincipal","alternateId":"system@okta.com","displayName":"Okta System","detailEntry":null}'

/**
 * One Okta LogEvent per row from (event_key, time, event_type, actor, client_id, grant_type, targets),
 * dressed as Okta writes it (security context, IP chain, request id): ~1.3 kB a line.
 */
function logEvent(select: SqlFragment): SqlFragment {
  return sql`SELECT concat('{"uuid":"', ${uuidOf(sql`event_key`)}, '","published":"', ${iso(sql`time`)}, '","eventType":"', event_type,
        '","version":"0","severity":"INFO","legacyEventType":null,"displayMessage":"', event_type, '","actor":', actor,
        ',"client":{"id":', if(client_id = '', 'null', concat('"', client_id, '"')), ',"ipAddress":"198.51.100.', toString(cityHash64(event_key) % 250),
        '","zone":"null","device":"Computer","userAgent":{"rawUserAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15","os":"Mac OS X","browser":"SAFARI"},',
        '"geographicalContext":{"city":"Dublin","state":"Leinster","country":"Ireland","postalCode":null,"geolocation":{"lat":53.34,"lon":-6.26}}},',
        '"outcome":{"result":"SUCCESS","reason":null},"target":', targets,
        ',"transaction":{"type":"WEB","id":"', request_id, '","detail":{}},"debugContext":{"debugData":{"requestId":"', request_id, '"',
        if(grant_type = '', '', concat(',"grantType":"', grant_type, '"')), ',"requestUri":"/oauth2/default/v1/token"}},',
        '"authenticationContext":{"authenticationProvider":null,"credentialProvider":null,"credentialType":null,"issuer":null,"interface":null,"authenticationStep":0,"externalSessionId":"idx', request_id, '"},',
        '"securityContext":{"asNumber":64496,"asOrg":"example transit","isp":"example isp","domain":"example.net","isProxy":false},',
        '"request":{"ipChain":[{"ip":"198.51.100.', toString(cityHash64(event_key) % 250), '","version":"V4","source":null,"geographicalContext":null}]}}') AS line
    FROM (SELECT *, substring(lower(hex(cityHash64(event_key, 99))), 1, 16) AS request_id FROM (${select}))`
}

function oktaEvents(shape: BenchShape): SqlFragment {
  const DAY = 86_400_000
  const from = shape.from.getTime()
  const windowMs = shape.to.getTime() - from
  const tokenTarget = (id: SqlFragment, expires: SqlFragment, subject: SqlFragment) =>
    sql`concat('[{"id":"', ${id}, '","type":"access_token","alternateId":"unknown","displayName":"Access Token","detailEntry":{"expires":"', ${iso(expires)}, '","subject":"', ${subject}, '","hash":"', lower(hex(cityHash64(${id}))), '"}}]')`
  const userTarget = (p: SqlFragment) => sql`concat('[', ${userPrincipal(p)}, ']')`
  const sessions = sql`(SELECT number AS s, ${sessionColumns(shape)} FROM numbers(${u64(shape.sessions)}))`
  const persons = sql`(SELECT number AS p FROM numbers(${u64(shape.persons)}))`
  return sql`${logEvent(sql`
      SELECT concat('create-', toString(p)) AS event_key, ${msTime(sql`${from - 30 * DAY} + p * 1000`)} AS time, 'user.lifecycle.create' AS event_type,
        ${SYSTEM} AS actor, '' AS client_id, '' AS grant_type, ${userTarget(sql`p`)} AS targets FROM ${persons}
      UNION ALL
      SELECT concat('sso-', toString(p), '-', toString(d)), ${msTime(sql`${from} + d * ${DAY} + 25200000 + cityHash64(p, d, 61) % 36000000`)},
        'user.authentication.sso', ${userPrincipal(sql`p`)}, '', '',
        '[{"id":"0oaportal","type":"AppInstance","alternateId":"Acme portal","displayName":"Acme portal","detailEntry":null}]'
      FROM ${persons} ARRAY JOIN range(30) AS d WHERE cityHash64(p, d, 60) % 100 < 37
      UNION ALL
      SELECT concat('grant-', toString(s)), ${msTime(sql`granted_ms`)}, 'app.oauth2.as.token.grant.access_token',
        if(class = 'client', ${clientPrincipal(sql`service_client`)}, ${userPrincipal(sql`person`)}),
        if(class = 'client', service_client, agent_app), if(class = 'client', 'client_credentials', 'authorization_code'),
        ${tokenTarget(sql`token_id`, msTime(sql`granted_ms + 3600000`), sql`if(class = 'client', service_client, ${personId(sql`person`)})`)}
      FROM ${sessions} WHERE class IN ('token', 'inherit', 'conflict', 'client')
      UNION ALL
      SELECT concat('off-', toString(g)), ${msTime(sql`${from} + toInt64(cityHash64(g, 31) % ${u64(windowMs)})`)}, 'app.oauth2.as.token.grant.access_token',
        ${userPrincipal(sql`cityHash64(g, 32) % ${u64(shape.persons)}`)}, concat('0oaagent', toString(cityHash64(g, 33) % ${u64(shape.agentApps)})),
        'authorization_code', ${tokenTarget(sql`concat('AT.off', lower(hex(cityHash64(g, 34))))`, msTime(sql`${from} + toInt64(cityHash64(g, 31) % ${u64(windowMs)}) + 3600000`), personId(sql`cityHash64(g, 32) % ${u64(shape.persons)}`))}
      FROM (SELECT number AS g FROM numbers(${u64(shape.offGatewayGrants)}))
      UNION ALL
      SELECT concat('revoke-', toString(s)), ${msTime(sql`start_ms + 600000`)}, 'app.oauth2.as.token.revoke', ${userPrincipal(sql`person`)}, agent_app, '',
        ${tokenTarget(sql`token_id`, msTime(sql`granted_ms + 3600000`), personId(sql`person`))}
      FROM ${sessions} WHERE class = 'token' AND cityHash64(s, 40) % 100 = 0
      UNION ALL
      SELECT concat('revoke-user-', toString(p)), ${msTime(sql`${from} + toInt64(cityHash64(p, 41) % ${u64(windowMs)})`)}, 'app.oauth2.token.revoke.implicit.user',
        ${SYSTEM}, '', '', ${userTarget(sql`p`)} FROM ${persons} WHERE cityHash64(p, 42) % 100 < 2
      UNION ALL
      SELECT concat('deactivate-', toString(p)), ${msTime(sql`${from} + toInt64(cityHash64(p, 43) % ${u64(windowMs)})`)}, 'user.lifecycle.deactivate',
        ${SYSTEM}, '', '', ${userTarget(sql`p`)} FROM ${persons} WHERE cityHash64(p, 44) % 200 = 0
      UNION ALL
      SELECT concat('deactivate-session-', toString(s)), ${msTime(sql`start_ms + 1200000`)}, 'user.lifecycle.deactivate', ${SYSTEM}, '', '',
        ${userTarget(sql`person`)} FROM ${sessions} WHERE class = 'token' AND cityHash64(s, 47) % 5000 = 0
      UNION ALL
      SELECT concat('client-deactivate-', toString(c)), ${msTime(sql`${from} + toInt64(cityHash64(c, 46) % ${u64(windowMs)})`)},
        'app.oauth2.client.lifecycle.deactivate', ${SYSTEM}, '', '', concat('[', ${clientPrincipal(sql`concat('0oasvc', toString(c))`)}, ']')
      FROM (SELECT number AS c FROM numbers(${u64(shape.serviceClients)})) WHERE c % 25 = 3`)}`
}

/** The gateway's key inventory: one key per service account (one in four a person's own), a twentieth revoked in the period. */
function keyLines(shape: BenchShape): SqlFragment {
  const DAY = 86_400_000
  const from = shape.from.getTime()
  return sql`SELECT concat('{"sha256":"', lower(hex(SHA256(concat('inventory-key-', toString(i))))), '","name":"svc-', toString(i), '-key","type":"',
        if(personal, 'pat', 'api_key'), '","owner":"', owner, '","service_account":', if(personal, 'null', concat('"svc-', toString(i), '"')),
        ',"created_at":"', ${iso(sql`created`)}, '","expires_at":', if(i % 2 = 1, concat('"', ${iso(sql`created + INTERVAL 365 DAY`)}, '"'), 'null'),
        ',"revoked_at":', if(i % 20 = 3, concat('"', ${iso(msTime(sql`${from} + (i * 7 % 30) * ${DAY} + 3600000`))}, '"'), 'null'), '}') AS line
    FROM (SELECT number AS i, i % 4 = 0 AS personal, concat('user', toString(i * 13 % ${u64(shape.persons)}), '@acme.example') AS owner,
            ${msTime(sql`${from} - (30 + i * 37 % 300) * ${DAY} + i * 3600000`)} AS created
          FROM numbers(${u64(shape.inventoryKeys)}))`
}
