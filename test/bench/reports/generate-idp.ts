import { command, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import type { BenchShape } from './shape'
import { inventoryKeyCredential, msTime, personEmail, personId, personLogin, sessionColumns, u64, uuidOf } from './session-plan'

const DAY = 86_400_000
const INGESTED_AT = new Date('2026-11-01T00:00:00.000Z')
const opts = { tag: 'bench:generate', timeoutSeconds: 3600 }

/**
 * Inserts the facts `select` names (columns by alias); the rest take their defaults ('' or
 * NULL). Facts of one record share its event_id; the raw record rides on fact 0.
 */
async function insertFacts(columns: string[], select: SqlFragment): Promise<void> {
  const names = unsafeRawSql([...columns, 'run_id', 'ingested_at'].join(', '))
  const picked = unsafeRawSql(columns.join(', '))
  await command(sql`INSERT INTO idp_events (${names}) SELECT ${picked}, 'bench', ${INGESTED_AT} FROM (${select})`, opts)
}

const IDENTITY = ['event_id', 'fact_index', 'source', 'time', 'kind', 'vendor_event_type', 'subject_kind', 'subject_id', 'email', 'login', 'display_name', 'owner', 'client_id', 'raw']
const CREDENTIAL = ['event_id', 'fact_index', 'source', 'time', 'kind', 'vendor_event_type', 'subject_kind', 'subject_id', 'email', 'login', 'display_name', 'owner', 'client_id', 'credential_id', 'credential_type', 'issued_at', 'expires_at', 'raw']
const SUBJECT_EVENT = ['event_id', 'fact_index', 'source', 'time', 'kind', 'vendor_event_type', 'subject_kind', 'subject_id', 'raw']

/** The IdP side of the company: people (Okta, one in five also in Entra), clients, grants, revocations, triggers, the key inventory. */
export async function generateIdpEvents(shape: BenchShape): Promise<void> {
  await generatePeople(shape)
  await generateClients(shape)
  await generateGrants(shape)
  await generateOffGatewayGrants(shape)
  await generateRevocations(shape)
  await generateTriggers(shape)
  await generateInventory(shape)
  await command(sql`INSERT INTO idp_events SELECT * FROM idp_events WHERE cityHash64(event_id, fact_index) % 100 < 3`, opts)
}

async function generatePeople(shape: BenchShape): Promise<void> {
  const created = shape.from.getTime() - 30 * DAY
  await insertFacts(
    IDENTITY,
    sql`SELECT ${uuidOf(sql`concat('okta-user-', toString(p))`)} AS event_id, 0 AS fact_index, 'okta' AS source,
        ${msTime(sql`${created} + p * 1000`)} AS time, 'identity' AS kind, 'user.lifecycle.create' AS vendor_event_type,
        'person' AS subject_kind, ${personId(sql`p`)} AS subject_id, ${personEmail(sql`p`)} AS email, ${personLogin(sql`p`)} AS login,
        concat('User ', toString(p)) AS display_name, '' AS owner, '' AS client_id, concat('{"eventType":"user.lifecycle.create","target":"', subject_id, '"}') AS raw
      FROM (SELECT number AS p FROM numbers(${u64(shape.persons)}))
      UNION ALL
      SELECT ${uuidOf(sql`concat('entra-user-', toString(p))`)}, 0, 'entra', ${msTime(sql`${created} + p * 1000 + 500`)}, 'identity', 'Add user',
        'person', ${uuidOf(sql`concat('entra-oid-', toString(p))`)}, ${personEmail(sql`p`)}, ${personEmail(sql`p`)},
        concat('User ', toString(p)), '', '', '{"activityDisplayName":"Add user"}'
      FROM (SELECT number AS p FROM numbers(${u64(shape.persons)})) WHERE p % 5 = 0 AND p % 50 != 7`,
  )
}

/** Agent apps (the OAuth clients people's agents use) and service clients with owners (one in ten ownerless). */
async function generateClients(shape: BenchShape): Promise<void> {
  const created = shape.from.getTime() - 20 * DAY
  await insertFacts(
    IDENTITY,
    sql`SELECT ${uuidOf(sql`concat('okta-app-', toString(a))`)} AS event_id, 0 AS fact_index, 'okta' AS source,
        ${msTime(sql`${created} + a * 1000`)} AS time, 'identity' AS kind, 'application.lifecycle.create' AS vendor_event_type,
        'service' AS subject_kind, concat('0oaagent', toString(a)) AS subject_id, '' AS email, '' AS login,
        concat('Agent app ', toString(a)) AS display_name, '' AS owner, subject_id AS client_id, '{"eventType":"application.lifecycle.create"}' AS raw
      FROM (SELECT number AS a FROM numbers(${u64(shape.agentApps)}))
      UNION ALL
      SELECT ${uuidOf(sql`concat('okta-svc-', toString(c))`)}, 0, 'okta', ${msTime(sql`${created} + c * 1000 + 500`)}, 'identity',
        'application.lifecycle.create', 'service', concat('0oasvc', toString(c)), '', '', concat('Service ', toString(c)),
        multiIf(c % 10 = 0, '', c % 10 = 1, concat('user', toString(c * 7 % ${u64(shape.persons)}), '@ACME.example'),
                ${personId(sql`c * 7 % ${u64(shape.persons)}`)}),
        concat('0oasvc', toString(c)), '{"eventType":"application.lifecycle.create"}'
      FROM (SELECT number AS c FROM numbers(${u64(shape.serviceClients)}))`,
  )
}

/**
 * One access-token grant per session that presents an Okta token: the actor's identity (fact
 * 0) and the credential (fact 1). Half the grants log an expiry; the rest take the default.
 */
async function generateGrants(shape: BenchShape): Promise<void> {
  await insertFacts(
    CREDENTIAL,
    sql`SELECT ${uuidOf(sql`concat('okta-grant-', toString(s))`)} AS event_id, fact_index, 'okta' AS source,
        ${msTime(sql`granted_ms`)} AS time, if(fact_index = 0, 'identity', 'credential') AS kind,
        'app.oauth2.as.token.grant.access_token' AS vendor_event_type,
        if(class = 'client', 'service', 'person') AS subject_kind,
        if(class = 'client', service_client, ${personId(sql`person`)}) AS subject_id,
        if(class = 'client' OR fact_index = 1, '', ${personEmail(sql`person`)}) AS email,
        if(class = 'client' OR fact_index = 1, '', ${personLogin(sql`person`)}) AS login,
        if(fact_index = 1, '', if(class = 'client', concat('Service ', service_client), concat('User ', toString(person)))) AS display_name,
        '' AS owner, if(class = 'client', service_client, agent_app) AS client_id,
        if(fact_index = 1, token_id, '') AS credential_id, if(fact_index = 1, 'oauth_access', '') AS credential_type,
        if(fact_index = 1, toNullable(time), NULL) AS issued_at,
        if(fact_index = 1 AND cityHash64(s, 30) % 2 = 0, toNullable(${msTime(sql`granted_ms + 3600000`)}), NULL) AS expires_at,
        if(fact_index = 0, concat('{"eventType":"app.oauth2.as.token.grant.access_token","target":"', token_id, '"}'), '') AS raw
      FROM (SELECT number AS s, ${sessionColumns(shape)} FROM numbers(${u64(shape.sessions)}))
      ARRAY JOIN [0, 1] AS fact_index
      WHERE class IN ('token', 'inherit', 'conflict', 'client')`,
  )
}

/** Tokens the IdP issued to agent apps that no gateway ever saw (the off-gateway report). */
async function generateOffGatewayGrants(shape: BenchShape): Promise<void> {
  const windowMs = shape.to.getTime() - shape.from.getTime()
  await insertFacts(
    CREDENTIAL,
    sql`SELECT ${uuidOf(sql`concat('okta-off-', toString(g))`)} AS event_id, 0 AS fact_index, 'okta' AS source,
        ${msTime(sql`${shape.from.getTime()} + toInt64(cityHash64(g, 31) % ${u64(windowMs)})`)} AS time, 'credential' AS kind,
        'app.oauth2.as.token.grant.access_token' AS vendor_event_type, 'person' AS subject_kind,
        ${personId(sql`cityHash64(g, 32) % ${u64(shape.persons)}`)} AS subject_id, '' AS email, '' AS login, '' AS display_name,
        '' AS owner, concat('0oaagent', toString(cityHash64(g, 33) % ${u64(shape.agentApps)})) AS client_id,
        concat('AT.off', lower(hex(cityHash64(g, 34)))) AS credential_id, 'oauth_access' AS credential_type,
        toNullable(time) AS issued_at, CAST(NULL AS Nullable(DateTime64(3, 'UTC'))) AS expires_at, '{"eventType":"app.oauth2.as.token.grant.access_token"}' AS raw
      FROM (SELECT number AS g FROM numbers(${u64(shape.offGatewayGrants)}))`,
  )
}

/** One token session in a hundred has its token revoked ten minutes in; two people in a hundred have all their tokens revoked once. */
async function generateRevocations(shape: BenchShape): Promise<void> {
  const windowMs = shape.to.getTime() - shape.from.getTime()
  await insertFacts(
    ['event_id', 'fact_index', 'source', 'time', 'kind', 'vendor_event_type', 'client_id', 'credential_id', 'credential_type', 'raw'],
    sql`SELECT ${uuidOf(sql`concat('okta-revoke-', toString(s))`)} AS event_id, 0 AS fact_index, 'okta' AS source,
        ${msTime(sql`start_ms + 600000`)} AS time, 'revocation' AS kind, 'app.oauth2.as.token.revoke' AS vendor_event_type,
        agent_app AS client_id, token_id AS credential_id, 'oauth_access' AS credential_type, '{"eventType":"app.oauth2.as.token.revoke"}' AS raw
      FROM (SELECT number AS s, ${sessionColumns(shape)} FROM numbers(${u64(shape.sessions)}))
      WHERE class = 'token' AND cityHash64(s, 40) % 100 = 0`,
  )
  await insertFacts(
    SUBJECT_EVENT,
    sql`SELECT ${uuidOf(sql`concat('okta-revoke-user-', toString(p))`)} AS event_id, 0 AS fact_index, 'okta' AS source,
        ${msTime(sql`${shape.from.getTime()} + toInt64(cityHash64(p, 41) % ${u64(windowMs)})`)} AS time, 'subject_revocation' AS kind,
        'app.oauth2.token.revoke.implicit.user' AS vendor_event_type, 'person' AS subject_kind, ${personId(sql`p`)} AS subject_id,
        '{"eventType":"app.oauth2.token.revoke.implicit.user"}' AS raw
      FROM (SELECT number AS p FROM numbers(${u64(shape.persons)})) WHERE cityHash64(p, 42) % 100 < 2`,
  )
}

/**
 * Deprovisioning: one person in 200 deactivated at a random time (half of them suspended
 * too); one token session in 5000 whose person is deactivated 20 minutes in while the agent
 * works on (live credentials, post-trigger actions); the owners of one personal key in ten
 * (keys that never expire: unresolved); one service client in 25.
 */
async function generateTriggers(shape: BenchShape): Promise<void> {
  const windowMs = shape.to.getTime() - shape.from.getTime()
  const at = (salt: number, v: SqlFragment) => msTime(sql`${shape.from.getTime()} + toInt64(cityHash64(${v}, ${salt}) % ${u64(windowMs)})`)
  await insertFacts(
    SUBJECT_EVENT,
    sql`SELECT ${uuidOf(sql`concat('okta-deactivate-', toString(p))`)} AS event_id, 0 AS fact_index, 'okta' AS source,
        ${at(43, sql`p`)} AS time, 'trigger' AS kind, 'user.lifecycle.deactivate' AS vendor_event_type,
        'person' AS subject_kind, ${personId(sql`p`)} AS subject_id, '{"eventType":"user.lifecycle.deactivate"}' AS raw
      FROM (SELECT number AS p FROM numbers(${u64(shape.persons)})) WHERE cityHash64(p, 44) % 200 = 0
      UNION ALL
      SELECT ${uuidOf(sql`concat('okta-suspend-', toString(p))`)}, 0, 'okta', ${at(45, sql`p`)}, 'trigger', 'user.lifecycle.suspend',
        'person', ${personId(sql`p`)}, '{"eventType":"user.lifecycle.suspend"}'
      FROM (SELECT number AS p FROM numbers(${u64(shape.persons)})) WHERE cityHash64(p, 44) % 200 = 0 AND p % 2 = 0
      UNION ALL
      SELECT ${uuidOf(sql`concat('okta-deactivate-session-', toString(s))`)}, 0, 'okta', ${msTime(sql`start_ms + 1200000`)}, 'trigger',
        'user.lifecycle.deactivate', 'person', ${personId(sql`person`)}, '{"eventType":"user.lifecycle.deactivate"}'
      FROM (SELECT number AS s, ${sessionColumns(shape)} FROM numbers(${u64(shape.sessions)}))
      WHERE class = 'token' AND cityHash64(s, 47) % 5000 = 0
      UNION ALL
      SELECT ${uuidOf(sql`concat('okta-deactivate-key-owner-', toString(i))`)}, 0, 'okta',
        ${msTime(sql`${shape.from.getTime()} + (i % 30) * ${DAY} + 7200000`)}, 'trigger', 'user.lifecycle.deactivate',
        'person', ${personId(sql`i * 13 % ${u64(shape.persons)}`)}, '{"eventType":"user.lifecycle.deactivate"}'
      FROM (SELECT number AS i FROM numbers(${u64(shape.inventoryKeys)})) WHERE i % 40 = 0
      UNION ALL
      SELECT ${uuidOf(sql`concat('okta-app-deactivate-', toString(c))`)}, 0, 'okta', ${at(46, sql`c`)}, 'trigger',
        'application.lifecycle.deactivate', 'service', concat('0oasvc', toString(c)), '{"eventType":"application.lifecycle.deactivate"}'
      FROM (SELECT number AS c FROM numbers(${u64(shape.serviceClients)})) WHERE c % 25 = 3`,
  )
}

/**
 * The gateway's key inventory: one API key per service account (`svc-<i>`), owned by a
 * person's e-mail, except one in four that is that person's own key (no service account);
 * created 30 to 330 days before the period; half never expire, one in twenty was revoked during it.
 */
async function generateInventory(shape: BenchShape): Promise<void> {
  await insertFacts(
    CREDENTIAL,
    sql`SELECT lower(hex(SHA256(concat('key-record-', toString(i))))) AS event_id, fact_index, 'keys' AS source,
        if(fact_index = 2, ${msTime(sql`${shape.from.getTime()} + (i * 7 % 30) * ${DAY} + 3600000`)}, created) AS time,
        ['credential', 'identity', 'revocation'][fact_index + 1] AS kind,
        ['key.created', 'key.service_account', 'key.revoked'][fact_index + 1] AS vendor_event_type,
        concat('user', toString(i * 13 % ${u64(shape.persons)}), '@acme.example') AS owner_email, i % 4 = 0 AS personal,
        if(personal, 'person', 'service') AS subject_kind, if(personal, owner_email, concat('svc-', toString(i))) AS subject_id,
        if(personal, owner_email, '') AS email, '' AS login, if(fact_index = 1, subject_id, '') AS display_name,
        if(personal, '', owner_email) AS owner, '' AS client_id,
        if(fact_index = 1, '', ${inventoryKeyCredential(sql`i`)}) AS credential_id, if(fact_index = 1, '', 'api_key') AS credential_type,
        if(fact_index = 0, toNullable(created), NULL) AS issued_at,
        if(fact_index = 0 AND i % 2 = 1, toNullable(created + INTERVAL 365 DAY), NULL) AS expires_at,
        if(fact_index = 0, concat('{"name":"svc-', toString(i), '-key","owner":"', owner, '"}'), '') AS raw
      FROM (SELECT number AS i, ${msTime(sql`${shape.from.getTime()} - (30 + i * 37 % 300) * ${DAY} + i * 3600000`)} AS created
            FROM numbers(${u64(shape.inventoryKeys)}))
      ARRAY JOIN [0, 1, 2] AS fact_index
      WHERE fact_index = 0 OR (fact_index = 1 AND i % 4 != 0) OR (fact_index = 2 AND i % 20 = 3)`,
  )
}
