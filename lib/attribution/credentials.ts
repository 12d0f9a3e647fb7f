import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'
import { inWindow, type TimeWindow } from './inputs'

/**
 * What each side says about each credential, one row per statement. IdP/inventory facts
 * give type, client, issue and expiry times (a grant event's own time is its issue time; an
 * inventory key has only what the inventory lists) and revocations; gateway requests give
 * the validated token's iat/exp and the agent actions that presented it (`presented`: inside
 * `period`). Only min/max-style aggregates read this, so duplicate rows change nothing.
 */
export function credentialEvidenceCte(period: TimeWindow): Cte {
  return cte(
    'credential_evidence',
    sql`SELECT credential_id, 1 AS idp, time, kind, credential_type AS type, client_id,
        if(kind = 'credential', if(source = 'keys', issued_at, coalesce(issued_at, time)), NULL) AS issued,
        if(kind = 'credential', expires_at, NULL) AS expires,
        if(kind = 'revocation', time, NULL) AS revoked,
        CAST(NULL AS Nullable(DateTime64(3, 'UTC'))) AS used,
        0 AS presented
      FROM facts
      WHERE credential_id != '' AND kind IN ('credential', 'revocation')
      UNION ALL
      SELECT credential_id, 0, time, 'gateway',
        if(credential_type != '', toString(credential_type), if(auth_scheme = 'api_key', 'api_key', 'oauth_access')),
        jwt_client_id, token_iat, token_exp, NULL,
        if(is_action = 1 AND outcome != 'denied', time, NULL),
        is_action = 1 AND outcome != 'denied' AND ${inWindow(sql`time`, period)}
      FROM gateway_requests
      WHERE credential_id != ''`,
  )
}

/**
 * The credential set (metrics.md, Credential): one row per credential id any side saw;
 * `known` when an IdP log or the inventory records it; `subject` is '' for one only a gateway
 * saw (or an IdP names without a subject). IdP values win over the gateway's; an OAuth
 * token (access or refresh) with no expiry anywhere expires `lifetimeSeconds` after issue;
 * keys, PATs and service tokens without one stay null. `revoked_at`: the earliest explicit
 * or inventory revocation, or subject-wide revocation by the issuing source for the issuing
 * subject, strictly after issue. Needs facts, subjects, credential_subjects,
 * subject_revocations, credential_evidence. Cost: one GROUP BY over the gateway rows that
 * carry a credential, then hash joins against small IdP-side sets.
 */
export function credentialsCte(lifetimeSeconds: number): Cte {
  return cte(
    'credentials',
    sql`SELECT r.credential_id AS credential_id, r.credential_type AS type, cs.identity AS subject, r.client AS client_id,
        coalesce(r.idp_issued, r.gateway_issued) AS issued_at,
        coalesce(r.idp_expires, r.gateway_expires,
          if(r.credential_type IN ('oauth_access', 'oauth_refresh'), addSeconds(issued_at, ${lifetimeSeconds}), NULL)) AS expires_at,
        arrayFilter(t -> issued_at IS NULL OR t > issued_at, arrayConcat(r.revocations, sr.times)) AS counted_revocations,
        if(empty(counted_revocations), NULL, arrayMin(counted_revocations)) AS revoked_at,
        r.last_used_at AS last_used_at, r.presented_in_period = 1 AS presented_in_period, r.known = 1 AS known
      FROM (
        SELECT credential_id,
          max(idp = 1) AS known,
          argMaxIf(type, (idp, time, type), type != '') AS credential_type,
          argMaxIf(client_id, (idp, time, client_id), client_id != '') AS client,
          minIf(issued, idp = 1) AS idp_issued,
          minIf(issued, idp = 0) AS gateway_issued,
          argMaxIf(expires, (time, expires), idp = 1) AS idp_expires,
          maxIf(expires, idp = 0) AS gateway_expires,
          groupArrayIf(revoked, idp = 1) AS revocations,
          max(used) AS last_used_at,
          max(presented) AS presented_in_period
        FROM credential_evidence
        GROUP BY credential_id
      ) AS r
      LEFT JOIN credential_subjects AS cs ON cs.credential_id = r.credential_id
      LEFT JOIN subject_revocations AS sr ON sr.source = cs.issuer_source AND sr.subject_id = cs.issuer_subject`,
  )
}
