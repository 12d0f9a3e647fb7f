import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'

/**
 * What IdP logs and the key inventory say about each credential: type and client (the latest
 * non-empty), issue time (a grant event's own time is its issue time; an inventory key has only
 * what the inventory lists), the latest logged expiry, and every explicit revocation. Only
 * min/max-style aggregates: duplicate facts change nothing. Needs facts.
 */
export const idpCredentialEvidenceCte: Cte = cte(
  'idp_credential_evidence',
  sql`SELECT credential_id, 1 AS idp,
      argMaxIf(credential_type, (time, credential_type), credential_type != '') AS type,
      argMaxIf(client_id, (time, client_id), client_id != '') AS client,
      minIf(if(source = 'keys', issued_at, coalesce(issued_at, time)), kind = 'credential') AS issued,
      argMaxIf(expires_at, (time, expires_at), kind = 'credential') AS expires,
      groupArrayIf(time, kind = 'revocation') AS revocations
    FROM facts
    WHERE credential_id != '' AND kind IN ('credential', 'revocation')
    GROUP BY credential_id`,
)

/**
 * What the gateways saw of each credential: its type (as presented, latest), client (latest
 * non-empty), the validated token's first iat and last exp, and the last agent action that
 * presented it. The inner GROUP BY is exactly the `per_credential` projection
 * (db/clickhouse/0005), so it reads a few rows per credential and part instead of every
 * request; keep its expressions identical to the projection's.
 */
export const gatewayCredentialEvidenceCte: Cte = cte(
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
      WHERE credential_id != ''
      GROUP BY credential_id, jwt_client_id
    )
    GROUP BY credential_id`,
)

/**
 * The credential set (metrics.md, Credential): one row per credential id any side saw;
 * `known` when an IdP log or the inventory records it; `subject` is '' for one only a gateway
 * saw (or an IdP names without a subject). IdP values win over the gateway's; an OAuth
 * token (access or refresh) with no expiry anywhere expires `lifetimeSeconds` after issue;
 * keys, PATs and service tokens without one stay null. `revoked_at`: the earliest explicit
 * or inventory revocation, or subject-wide revocation by the issuing source for the issuing
 * subject, strictly after issue. Needs facts, subjects, credential_subjects,
 * subject_revocations and both evidence CTEs. Materialized: a report that refers to it
 * twice computes it once.
 */
export function credentialsCte(lifetimeSeconds: number): Cte {
  return cte(
    'credentials',
    sql`SELECT r.credential_id AS credential_id, r.credential_type AS type, cs.identity AS subject, r.client AS client_id,
        r.issued AS issued_at,
        coalesce(r.idp_expires, r.gateway_expires,
          if(r.credential_type IN ('oauth_access', 'oauth_refresh'), addSeconds(issued_at, ${lifetimeSeconds}), NULL)) AS expires_at,
        arrayFilter(t -> issued_at IS NULL OR t > issued_at, arrayConcat(r.revocations, sr.times)) AS counted_revocations,
        if(empty(counted_revocations), NULL, arrayMin(counted_revocations)) AS revoked_at,
        r.last_used_at AS last_used_at, r.known = 1 AS known
      FROM (
        SELECT if(i.idp = 1, i.credential_id, g.credential_id) AS credential_id, i.idp AS known,
          if(i.type != '', i.type, g.type) AS credential_type, if(i.client != '', i.client, g.client) AS client,
          coalesce(i.issued, g.issued) AS issued, i.expires AS idp_expires, g.expires AS gateway_expires,
          i.revocations AS revocations, g.last_used_at AS last_used_at
        FROM idp_credential_evidence AS i
        FULL OUTER JOIN gateway_credential_evidence AS g ON g.credential_id = i.credential_id
      ) AS r
      LEFT JOIN credential_subjects AS cs ON cs.credential_id = r.credential_id
      LEFT JOIN subject_revocations AS sr ON sr.source = cs.issuer_source AND sr.subject_id = cs.issuer_subject`,
    { materialized: true },
  )
}
