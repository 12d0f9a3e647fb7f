import { sql, type SqlFragment } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'
import type { TimeWindow } from './inputs'
import { claimIdentity, credentialIdentity, directJoins } from './rules'

/**
 * Rule 3 (metrics.md): an action no credential or claim attributes inherits the identity of
 * an earlier request (strictly earlier by time, never by file order) of the same MCP session
 * that rule 1 or 2 attributed. Plumbing (`initialize` …) seeds; refused requests never do;
 * seeds come from any time, so inheritance crosses period bounds.
 *
 * Tie-break: when a session's seeds name several identities, the action inherits from the
 * LATEST seed before it (a session that re-authenticated passes on the newer identity);
 * seeds at the same millisecond resolve to the smallest identity key.
 *
 * Both steps read `session_claims`: one row per session and what its requests presented
 * (credential, `sub`, `user`), with when its agent actions happened and the times of its
 * let-through requests. That GROUP BY is exactly the `per_session_claims` projection
 * (db/clickhouse/0005), so it reads a few rows per session and part instead of every
 * request; keep its expressions identical to the projection's. `sessionFilter` narrows it to
 * some sessions (maintenance: the sessions a batch can change).
 */
export function sessionClaimsWhereCte(sessionFilter: SqlFragment): Cte {
  return cte(
  'session_claims',
  sql`SELECT session_id, credential_id, jwt_sub, user_claim,
      countIf(is_action = 1 AND outcome != 'denied') AS actions,
      minIf(time, is_action = 1 AND outcome != 'denied') AS first_action,
      maxIf(time, is_action = 1 AND outcome != 'denied') AS last_action,
      groupArrayIf(time, outcome != 'denied') AS let_through_times
    FROM gateway_requests
    WHERE session_id != '' AND ${sessionFilter}
    GROUP BY session_id, credential_id, jwt_sub, user_claim`,
  )
}

export const sessionClaimsCte: Cte = sessionClaimsWhereCte(sql`1`)

/**
 * Sessions that may hold an action of `scope` needing inheritance: some agent action that
 * rule 1 and 2 leave unattributed, the first and last such action spanning part of the scope.
 * A superset (the span may straddle the scope with no action in it) is harmless: a session's
 * profile is only consulted for its actions that do need inheritance.
 */
export function pendingSessionsCte(scope: TimeWindow): Cte {
  return cte(
    'pending_sessions',
    sql`SELECT DISTINCT r.session_id AS session_id
      FROM (
        SELECT session_id, credential_id, jwt_sub, user_claim FROM session_claims
        WHERE actions > 0 AND first_action <= ${scope.to} AND last_action >= ${scope.from}
      ) AS r
      ${directJoins('credential_subjects')}
      WHERE ${credentialIdentity} = '' AND ${claimIdentity} = ''`,
  )
}

/**
 * Per pending session: its only seeding identity and first seed time; or, when seeds name
 * several identities (rare), each one's seed times. Arrays stay empty for the usual session
 * so the join copies little per action.
 */
export const sessionProfilesCte: Cte = cte(
  'session_profiles',
  sql`SELECT session_id,
      if(length(seeders) = 1, seeders[1], '') AS only_identity,
      if(length(seeders) = 1, firsts[1], NULL) AS first_seed,
      if(length(seeders) = 1, [], seeders) AS identities,
      if(length(seeders) = 1, [], times) AS seed_times
    FROM (
      SELECT session_id, groupArray(seed_identity) AS seeders, groupArray(first_time) AS firsts, groupArray(all_times) AS times
      FROM (
        SELECT session_id, seed_identity, min(arrayMin(seed_times)) AS first_time, arrayFlatten(groupArray(seed_times)) AS all_times
        FROM (
          SELECT r.session_id AS session_id, r.let_through_times AS seed_times,
            if(${credentialIdentity} != '', ${credentialIdentity}, ${claimIdentity}) AS seed_identity
          FROM (
            SELECT c.session_id AS session_id, c.credential_id AS credential_id, c.jwt_sub AS jwt_sub, c.user_claim AS user_claim,
              c.let_through_times AS let_through_times
            FROM session_claims AS c
            INNER JOIN pending_sessions AS ps ON ps.session_id = c.session_id
            WHERE notEmpty(c.let_through_times)
          ) AS r
          ${directJoins('credential_subjects')}
        )
        WHERE seed_identity != ''
        GROUP BY session_id, seed_identity
      )
      GROUP BY session_id
    )`,
)

/**
 * The identity an action at `time` inherits from its session profile `p` ('' if none).
 * Seeds are not deduplicated: a repeated seed time changes no maximum.
 */
export const inheritedIdentity = sql`multiIf(
    p.only_identity != '', if(p.first_seed < time, p.only_identity, ''),
    empty(p.identities), '',
    arraySort(x -> (-x.1, x.2), arrayFilter(x -> x.1 >= 0, arrayZip(
      arrayMap(ts -> arrayMax(arrayMap(s -> if(s < time, toUnixTimestamp64Milli(s), -1), ts)), p.seed_times),
      p.identities)))[1].2)`
