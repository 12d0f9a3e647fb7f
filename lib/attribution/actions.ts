import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'
import { claimIdentity, credentialIdentity, directJoins } from './rules'
import { inheritedIdentity } from './session'

/**
 * Rules 1 and 2 for every agent action in `requests`, with the presented credential's
 * expiry and revocation (credential flags concern that credential only).
 */
export const directCte: Cte = cte(
  'direct',
  sql`SELECT r.event_id AS event_id, r.time AS time, r.server AS server, r.tool AS tool,
      r.session_id AS session_id, r.client_name AS client_name, r.credential_id AS credential_id,
      r.jwt_sub AS jwt_sub, r.user_claim AS user_claim,
      ${credentialIdentity} AS credential_identity, ${claimIdentity} AS claim_identity,
      cs.type AS credential_type, cs.expires_at AS credential_expires_at, cs.revoked_at AS credential_revoked_at
    FROM requests AS r
    ${directJoins('credentials')}
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
 * Every agent action of the scope with its attribution (metrics.md): `identity` ('' when
 * unattributed), `method` (credential | subject_claim | session | ''), `reason`
 * (unknown_credential | unmapped_subject | no_credential | ''), and the four flags.
 * A presented credential that does not resolve to a subject (unknown, or known without one)
 * gives `unknown_credential`. Credential flags use the presented credential only.
 */
export const actionsCte: Cte = cte(
  'actions',
  sql`SELECT a.event_id AS event_id, a.time AS time, a.server AS server, a.tool AS tool,
      a.client_name AS client_name, a.session_id AS session_id, a.credential_id AS credential_id,
      a.credential_type AS credential_type, a.identity AS identity,
      a.method AS method, a.reason AS reason,
      ifNull(a.credential_expires_at < a.time, 0) AS after_expiry,
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

