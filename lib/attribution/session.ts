import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'
import { inWindow, type TimeWindow } from './inputs'
import { claimIdentity, credentialIdentity, directJoins, notDirectlyAttributed } from './rules'

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
 * Only sessions that hold an action needing inheritance are read for seeds. Their seeds are
 * kept per (session, identity) as arrays of times: no per-seed hash or sort, and a session
 * with one identity (the usual case) needs only its first seed time.
 */
export function pendingSessionsCte(scope: TimeWindow): Cte {
  return cte(
    'pending_sessions',
    sql`SELECT DISTINCT session_id
      FROM gateway_requests
      WHERE ${inWindow(sql`time`, scope)} AND session_id != '' AND is_action = 1 AND outcome != 'denied'
        AND ${notDirectlyAttributed}`,
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
        SELECT session_id, seed_identity, min(time) AS first_time, groupArray(time) AS all_times
        FROM (
          SELECT r.session_id AS session_id, r.time AS time,
            if(${credentialIdentity} != '', ${credentialIdentity}, ${claimIdentity}) AS seed_identity
          FROM (
            SELECT session_id, time, credential_id, jwt_sub, user_claim
            FROM gateway_requests
            WHERE session_id GLOBAL IN (SELECT session_id FROM pending_sessions) AND outcome != 'denied'
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
