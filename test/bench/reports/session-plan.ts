import { sql, typed, type SqlFragment } from '@/lib/clickhouse'
import type { BenchShape } from './shape'

/**
 * How the generated traffic is made, as ClickHouse expressions of a session number `s`
 * (deterministic: every choice is a cityHash64 of the session, row or person number, so
 * the gateway rows and the IdP grants of one session agree without a join).
 *
 * Session classes, per 1000 sessions (what a report sees):
 * - 780 token: a person's agent presents an Okta access token on every request (rule 1);
 * -  50 client: a service client's client-credentials token (rule 1, a `client:` identity);
 * -  20 key: an inventory API key of a service account (rule 1, a `svc:` identity);
 * -  70 inherit: only `initialize` presents the token, the actions nothing (rule 3); one in
 *    ten re-authenticates mid-session as another person by a `user` claim (two seeders);
 * -  25 claim: no credential, a validated `sub` or a `user` claim of a person (rule 2);
 * -  15 unknown: an API key no inventory lists, or a token no IdP issued;
 * -  15 unmapped: a `sub` or `user` no IdP names;
 * -  15 bare: nothing presented, half without a session id;
 * -  10 conflict: a person's token (its `sub` not logged) plus another person's `user` claim.
 * Three sessions in a hundred pause longer between calls and outlive their token (after_expiry).
 */
export function sessionColumns(shape: BenchShape): SqlFragment {
  const windowMs = shape.to.getTime() - shape.from.getTime() - 3 * 3_600_000
  return sql`cityHash64(s, 1) % 1000 AS pick,
    multiIf(pick < 780, 'token', pick < 830, 'client', pick < 850, 'key', pick < 920, 'inherit', pick < 945, 'claim',
            pick < 960, 'unknown', pick < 975, 'unmapped', pick < 990, 'bare', 'conflict') AS class,
    cityHash64(s, 2) % ${u64(shape.persons)} AS person,
    (person + 1) % ${u64(shape.persons)} AS other_person,
    concat('0oasvc', toString(cityHash64(s, 3) % ${u64(shape.serviceClients)})) AS service_client,
    concat('0oaagent', toString(cityHash64(s, 4) % ${u64(shape.agentApps)})) AS agent_app,
    cityHash64(s, 5) % ${u64(shape.inventoryKeys)} AS key_no,
    toInt64(${shape.from.getTime()} + toInt64(cityHash64(s, 6) % ${u64(windowMs)})) AS start_ms,
    toInt64(start_ms - toInt64(cityHash64(s, 7) % 300000)) AS granted_ms,
    if(cityHash64(s, 8) % 100 < 3, 150000, 55000) AS gap_ms,
    concat('AT.', lower(hex(cityHash64(s, 9)))) AS token_id,
    multiIf(class IN ('token', 'inherit', 'conflict', 'client'), token_id,
            class = 'key', ${inventoryKeyCredential(sql`key_no`)},
            class = 'unknown' AND s % 2 = 0, concat('sha256:', lower(hex(SHA256(concat('stray-', toString(s % 2000)))))),
            class = 'unknown', concat('AT.forged', lower(hex(cityHash64(s, 10)))),
            '') AS session_credential`
}

/** A person's Okta user id; the same number always names the same person. */
export const personId = (p: SqlFragment) => sql`concat('00u', toString(1000000 + ${p}))`

/** Two people in a hundred have no e-mail at Okta (their login is a plain user name). */
export const personEmail = (p: SqlFragment) => sql`if(${p} % 50 = 7, '', concat('user', toString(${p}), '@acme.example'))`
export const personLogin = (p: SqlFragment) => sql`if(${p} % 50 = 7, concat('user', toString(${p})), concat('user', toString(${p}), '@acme.example'))`

export const inventoryKeyCredential = (k: SqlFragment) =>
  sql`concat('sha256:', lower(hex(SHA256(concat('inventory-key-', toString(${k}))))))`

/** A time in milliseconds as the tables store it. */
export const msTime = (ms: SqlFragment) => sql`fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`

/** A uuid-shaped id, deterministic in its text. */
export const uuidOf = (text: SqlFragment) => sql`toString(reinterpretAsUUID(MD5(${text})))`

export const u64 = (n: number) => typed(n, 'UInt64')
