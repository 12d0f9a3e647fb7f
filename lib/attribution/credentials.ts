import { sql, type SqlFragment } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'

/** An IdP's grant of a credential to an OAuth client (what off-gateway counts; the key inventory issues none). */
const GRANT = sql`kind = 'credential' AND source != 'keys' AND client_id != ''`

/**
 * What IdP logs and the key inventory say about each credential: type and client (the latest
 * non-empty), issue time (a grant event's own time is its issue time; an inventory key has only
 * what the inventory lists), the latest logged expiry, and every explicit revocation; its first
 * grant to a client (client, source, subject: the earliest, ties by client) and the earliest
 * issue time its grants log (null when no IdP granted it to a client). Only
 * min/max-style aggregates: duplicate facts change nothing. Needs facts.
 */
export const idpCredentialEvidenceCte: Cte = cte(
  'idp_credential_evidence',
  sql`SELECT credential_id, 1 AS idp,
      argMaxIf(credential_type, (time, credential_type), credential_type != '') AS type,
      argMaxIf(client_id, (time, client_id), client_id != '') AS client,
      minIf(if(source = 'keys', issued_at, coalesce(issued_at, time)), kind = 'credential') AS issued,
      argMaxIf(expires_at, (time, expires_at), kind = 'credential') AS expires,
      groupArrayIf(time, kind = 'revocation') AS revocations,
      argMin(toString(source), (kind != 'credential', time, source)) AS logged_by,
      argMinIf((client_id, toString(source), subject_id), (time, client_id), ${GRANT}) AS first_grant,
      minIf(toNullable(coalesce(issued_at, time)), ${GRANT}) AS grant_issued
    FROM facts
    WHERE credential_id != '' AND kind IN ('credential', 'revocation')
    GROUP BY credential_id`,
)

/**
 * What the gateways saw of each credential: its type (as presented, latest), client (latest
 * non-empty), the validated token's first iat and last exp, and the last agent action that
 * presented it. The inner GROUP BY is exactly the `per_credential` projection
 * (db/clickhouse/0005), so it reads a few rows per credential and part instead of every
 * request; keep its expressions identical to the projection's. `credentialFilter` narrows it to
 * some credentials (maintenance: those a gateway batch presented).
 */
export function gatewayCredentialEvidenceWhereCte(credentialFilter: SqlFragment): Cte {
  return cte(
  'gateway_credential_evidence',
  sql`SELECT credential_id, max(type_at).2 AS type,
      argMaxIf(jwt_client_id, (last_seen, jwt_client_id), jwt_client_id != '') AS client,
      min(iat) AS issued, max(exp) AS expires, max(used) AS last_used_at
    FROM (
      SELECT credential_id, jwt_client_id,
        max((time, if(credential_type != '', toString(credential_type), if(auth_scheme = 'api_key', 'api_key', 'oauth_access')))) AS type_at,
        max(time) AS last_seen, min(token_iat) AS iat, max(token_exp) AS exp,
        maxIf(toNullable(time), is_action = 1 AND outcome != 'denied') AS used
      FROM gateway_requests
      WHERE credential_id != '' AND ${credentialFilter}
      GROUP BY credential_id, jwt_client_id
    )
    GROUP BY credential_id`,
  )
}

export const gatewayCredentialEvidenceCte: Cte = gatewayCredentialEvidenceWhereCte(sql`1`)

/**
 * The credential set (metrics.md, Credential) before the thresholds: one row per credential id
 * any side saw; `known` when an IdP log or the inventory records it; `subject` is '' for one
 * only a gateway saw (or an IdP names without a subject). IdP values win over the gateway's;
 * `explicit_expires` is the expiry some source logged (null when none did). `revoked_at`: the
 * earliest explicit or inventory revocation, or subject-wide revocation by the issuing source
 * for the issuing subject, strictly after issue. `logged_by`: the source of the grant (or,
 * lacking one, the revocation) that names it first; '' for one only a gateway saw. `presented`:
 * some gateway request (refused ones included) presented it. `grant_*`: its first IdP grant to
 * a client, for off-gateway (grant_issued null when none). This is what attribution_credentials stores
 * (lib/attribution/maintain). Needs facts, credential_subjects, subject_revocations and both
 * evidence CTEs. Materialized: a report that refers to it twice computes it once.
 */
export const credentialRowsCte: Cte = cte(
  'credential_rows',
  sql`SELECT r.credential_id AS credential_id, r.credential_type AS type, cs.identity AS subject, r.client AS client_id,
      r.issued AS issued_at, coalesce(r.idp_expires, r.gateway_expires) AS explicit_expires,
      arrayFilter(t -> issued_at IS NULL OR t > issued_at, arrayConcat(r.revocations, sr.times)) AS counted_revocations,
      if(empty(counted_revocations), NULL, arrayMin(counted_revocations)) AS revoked_at,
      r.last_used_at AS last_used_at, r.known = 1 AS known, r.logged_by AS logged_by, r.presented AS presented,
      r.first_grant.1 AS grant_client, r.first_grant.2 AS grant_source, r.first_grant.3 AS grant_subject, r.grant_issued AS grant_issued
    FROM (
      SELECT if(i.idp = 1, i.credential_id, g.credential_id) AS credential_id, i.idp AS known,
        if(i.type != '', i.type, g.type) AS credential_type, if(i.client != '', i.client, g.client) AS client,
        coalesce(i.issued, g.issued) AS issued, i.expires AS idp_expires, g.expires AS gateway_expires,
        i.revocations AS revocations, g.last_used_at AS last_used_at, i.logged_by AS logged_by,
        g.credential_id != '' AS presented, i.first_grant AS first_grant, i.grant_issued AS grant_issued
      FROM idp_credential_evidence AS i
      FULL OUTER JOIN gateway_credential_evidence AS g ON g.credential_id = i.credential_id
    ) AS r
    LEFT JOIN credential_subjects AS cs ON cs.credential_id = r.credential_id
    LEFT JOIN subject_revocations AS sr ON sr.source = cs.issuer_source AND sr.subject_id = cs.issuer_subject`,
  { materialized: true },
)

/**
 * When a credential expires under the thresholds: the logged expiry, else an OAuth token
 * (access or refresh) expires `lifetimeSeconds` after issue; keys, PATs and service tokens
 * without one stay null. Columns of `credential_rows` (or an action's copy of them).
 */
export function expiresAt(explicit: SqlFragment, type: SqlFragment, issued: SqlFragment, lifetimeSeconds: number): SqlFragment {
  return sql`coalesce(${explicit}, if(${type} IN ('oauth_access', 'oauth_refresh'), addSeconds(${issued}, ${lifetimeSeconds}), NULL))`
}

/** The credential set (metrics.md, Credential) under the thresholds, as `credentials`. Needs credential_rows. */
export function credentialsCte(lifetimeSeconds: number): Cte {
  return cte(
    'credentials',
    sql`SELECT credential_id, type, subject, client_id, issued_at,
        ${expiresAt(sql`explicit_expires`, sql`type`, sql`issued_at`, lifetimeSeconds)} AS expires_at,
        revoked_at, last_used_at, known, logged_by
      FROM credential_rows`,
    { materialized: true },
  )
}
