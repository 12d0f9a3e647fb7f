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
 * Materialized: every IdP-side block of a report reads it, and it is computed once per
 * query. Cost: a sort of the IdP side, small next to the gateway side (0.3 s of CPU for
 * 600k facts).
 */
export const factsCte: Cte = factsWhereCte(sql`1`)

/**
 * `facts`, of the stored copies that match `filter`. Only a filter that keeps every copy of a fact or none (by
 * event_id, fact_index) gives each fact's latest copy: one on what a copy says would let an older reading of a
 * record re-read differently win. Maintenance filters by content through latestFactsWhereCte.
 */
function factsWhereCte(filter: SqlFragment): Cte {
  return cte(
  'facts',
  sql`SELECT event_id, fact_index, source, time, CAST(kind, 'String') AS kind, vendor_event_type,
      CAST(subject_kind, 'String') AS subject_kind, subject_id, email, login, display_name, owner,
      client_id, credential_id, CAST(credential_type, 'String') AS credential_type, issued_at, expires_at
    FROM idp_events
    WHERE ${filter}
    ORDER BY ingested_at DESC
    LIMIT 1 BY event_id, fact_index`,
  { materialized: true },
  )
}

/**
 * `facts`, of the stored facts whose latest copy matches `filter` (maintenance: the facts of
 * some subjects, credentials or logins). Every copy of a matching fact is read before the latest
 * is chosen, then the filter is applied again: a later copy that no longer matches (a record
 * re-delivered and read differently) wins over an older one that does, as it does in `facts`.
 * `filter` names columns both idp_events and `facts` have. `most`: the filter matches most
 * facts, so every fact is deduplicated once and then filtered (the same rows; two reads of
 * nearly every fact would cost more).
 */
export function latestFactsWhereCte(filter: SqlFragment, most = false): Cte {
  const copies = most ? factsCte : factsWhereCte(sql`(event_id, fact_index) IN (SELECT event_id, fact_index FROM idp_events WHERE ${filter})`)
  return cte('facts', sql`SELECT * FROM (${copies.body}) WHERE ${filter}`, { materialized: true })
}

/**
 * Gateway requests in a window, one row per request however often it was stored. FINAL
 * collapses copies as ReplacingMergeTree's merges do, by the sorting key (time, event_id),
 * keeping the latest ingest: a copy of a request is the same line, so it has the same time,
 * and on a cluster copies share a shard (sharded by event_id). Denied requests are kept:
 * they count as `denied_requests`. Cost: the time range read plus a merge of the ranges
 * where parts overlap (none once background merges ran) — at 10M requests about a third
 * of the single-threaded hash of every event id that LIMIT 1 BY event_id needed.
 */
export function requestsCte(window: TimeWindow): Cte {
  return requestsWhereCte(inWindow(sql`time`, window))
}

/** `requests`, of the requests that match `filter` (maintenance: those a batch can change). */
export function requestsWhereCte(filter: SqlFragment): Cte {
  return cte('requests', requestRows(filter))
}

/** The rows of `requests` matching `filter` (maintenance unions several such reads). */
export function requestRows(filter: SqlFragment): SqlFragment {
  return sql`SELECT event_id, time, is_action = 1 AND gateway_requests.outcome != 'denied' AS is_agent_action,
      server, tool, session_id, client_name, credential_id, jwt_sub, user_claim
    FROM gateway_requests FINAL
    WHERE ${filter}`
}
