import { sql, type SqlFragment } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'

/** A stretch of time: `[from, to)`, or `[from, to]` when `through` is set. */
export type TimeWindow = { from: Date; to: Date; through?: boolean }

export function inWindow(column: SqlFragment, window: TimeWindow): SqlFragment {
  return window.through
    ? sql`${column} >= ${window.from} AND ${column} <= ${window.to}`
    : sql`${column} >= ${window.from} AND ${column} < ${window.to}`
}

/**
 * IdP and inventory facts, one row per (event_id, fact_index) however often a record was
 * stored (duplicates live until a merge, and forever across shards). The latest ingest of
 * a fact wins, as in ReplacingMergeTree(ingested_at). Enums are read as strings.
 * Cost: a sort of the IdP side, which is small next to the gateway side.
 */
export const factsCte: Cte = cte(
  'facts',
  sql`SELECT event_id, fact_index, source, time, CAST(kind, 'String') AS kind,
      CAST(subject_kind, 'String') AS subject_kind, subject_id, email, login, display_name, owner,
      client_id, credential_id, CAST(credential_type, 'String') AS credential_type, issued_at, expires_at
    FROM idp_events
    ORDER BY ingested_at DESC
    LIMIT 1 BY event_id, fact_index`,
)

/**
 * Gateway requests in a window, one row per event_id (a request's duplicates are copies of
 * the same line, so any copy will do). Denied requests are kept: they count as
 * `denied_requests`. Cost: the time range read plus a hash of its event ids, the biggest
 * single cost of a report (LIMIT BY measured cheaper here than GROUP BY with any() per column).
 */
export function requestsCte(window: TimeWindow): Cte {
  return cte(
    'requests',
    sql`SELECT event_id, time, CAST(outcome, 'String') AS outcome,
        is_action = 1 AND outcome != 'denied' AS is_agent_action,
        server, tool, session_id, client_name, credential_id, jwt_sub, user_claim
      FROM gateway_requests
      WHERE ${inWindow(sql`time`, window)}
      LIMIT 1 BY event_id`,
  )
}
