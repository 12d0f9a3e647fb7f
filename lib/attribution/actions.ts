import { sql } from '@/lib/clickhouse'
import { expiresAt } from './credentials'
import { cte, type Cte } from './cte'
import { claimIdentity, credentialIdentity, directJoins } from './rules'
import { inheritedIdentity } from './session'

/**
 * Rules 1 and 2 for every agent action in `requests`, with the presented credential's
 * logged expiry, issue time and revocation (credential flags concern that credential only).
 */
export const directCte: Cte = cte(
  'direct',
  sql`SELECT r.event_id AS event_id, r.time AS time, r.server AS server, r.tool AS tool,
      r.session_id AS session_id, r.client_name AS client_name, r.credential_id AS credential_id,
      r.jwt_sub AS jwt_sub, r.user_claim AS user_claim,
      ${credentialIdentity} AS credential_identity, ${claimIdentity} AS claim_identity,
      cs.type AS credential_type, cs.explicit_expires AS credential_explicit_expires,
      cs.issued_at AS credential_issued_at, cs.revoked_at AS credential_revoked_at
    FROM requests AS r
    ${directJoins('credential_rows')}
    WHERE r.is_agent_action`,
)

/** Rule 3: the latest strictly earlier seed of the action's session (see session.ts). */
export const inheritedCte: Cte = cte(
  'inherited',
  sql`SELECT d.*, if(d.credential_identity = '' AND d.claim_identity = '', ${inheritedIdentity}, '') AS session_identity
    FROM direct AS d
    LEFT JOIN session_profiles AS p ON p.session_id = d.session_id`,
)

/**
 * Every agent action of `requests` with its attribution (metrics.md): `identity` ('' when
 * unattributed), `method` (credential | subject_claim | session | ''), `reason`
 * (unknown_credential | unmapped_subject | no_credential | ''), `conflict`, and the flags that
 * do not depend on the thresholds. A presented credential that does not resolve to a subject
 * (unknown, or known without one) gives `unknown_credential`. Credential flags use the
 * presented credential only; its logged expiry, issue time and type are carried so that
 * `after_expiry` can be judged under the default token lifetime in force (actionsCte).
 * These are exactly the columns of attributed_actions (db/clickhouse/0007).
 */
export const attributionCte: Cte = cte(
  'attribution',
  sql`SELECT a.event_id AS event_id, a.time AS time, a.server AS server, a.tool AS tool,
      a.client_name AS client_name, a.session_id AS session_id, a.credential_id AS credential_id,
      a.credential_type AS credential_type, a.credential_explicit_expires AS credential_explicit_expires,
      a.credential_issued_at AS credential_issued_at, a.identity AS identity,
      a.method AS method, a.reason AS reason,
      ifNull(a.credential_revoked_at < a.time, 0) AS after_revocation,
      ifNull(ft.first_trigger < a.time, 0) AS after_deprovision,
      a.conflict AS conflict
    FROM (
      SELECT *,
        multiIf(credential_identity != '', credential_identity, claim_identity != '', claim_identity, session_identity) AS identity,
        multiIf(credential_identity != '', 'credential', claim_identity != '', 'subject_claim',
                session_identity != '', 'session', '') AS method,
        multiIf(identity != '', '', credential_id != '', 'unknown_credential',
                jwt_sub != '' OR user_claim != '', 'unmapped_subject', 'no_credential') AS reason,
        credential_identity != '' AND claim_identity != '' AND credential_identity != claim_identity AS conflict
      FROM inherited
    ) AS a
    LEFT JOIN first_triggers AS ft ON ft.identity = a.identity`,
)

/**
 * Every agent action of the scope as the reports read it, from `attribution` (computed, or
 * stored): the attribution plus `after_expiry` under `lifetimeSeconds`.
 */
export function actionsCte(lifetimeSeconds: number): Cte {
  const expires = expiresAt(sql`credential_explicit_expires`, sql`credential_type`, sql`credential_issued_at`, lifetimeSeconds)
  return cte(
    'actions',
    sql`SELECT event_id, time, server, tool, client_name, session_id, credential_id, credential_type, credential_issued_at,
        identity, method, reason, ifNull(${expires} < time, 0) AS after_expiry,
        after_revocation, after_deprovision, conflict
      FROM attribution`,
  )
}
