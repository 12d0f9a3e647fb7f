import { requirePermission, type Actor } from '@/lib/auth/actor'
import { query, sql } from '@/lib/clickhouse'
import { clickhouseReady } from '@/lib/clickhouse/ready'

export type SourceOverview = {
  source: string
  events: number
  agent_actions: number
  first_event: string | null
  last_event: string | null
  last_ingested: string | null
  rejected: number
}

/**
 * What each source has delivered: distinct events (duplicates never count),
 * agent actions among them, the time range covered, and rejected records.
 */
export async function sourceOverview(actor: Actor): Promise<SourceOverview[]> {
  requirePermission(actor, 'overview:read')
  await clickhouseReady()
  const rows = await query<SourceOverview>(
    sql`
      WITH events AS (
        SELECT source, event_id, any(time) AS time, max(is_action) AS is_action, max(ingested_at) AS ingested_at
        FROM gateway_requests GROUP BY source, event_id
        UNION ALL
        SELECT source, event_id, any(time), 0, max(ingested_at)
        FROM idp_events GROUP BY source, event_id
      ),
      rejected AS (SELECT source, count() AS rejected FROM ingest_rejects GROUP BY source)
      SELECT e.source AS source, count() AS events, sum(e.is_action) AS agent_actions,
             min(e.time) AS first_event, max(e.time) AS last_event, max(e.ingested_at) AS last_ingested,
             any(r.rejected) AS rejected
      FROM events AS e LEFT JOIN rejected AS r ON r.source = e.source
      GROUP BY e.source
      ORDER BY e.source`,
    { tag: 'overview:sources' },
  )
  return rows.map((r) => ({ ...r, events: Number(r.events), agent_actions: Number(r.agent_actions), rejected: Number(r.rejected) }))
}

export type IngestRun = {
  run_id: string
  source: string
  files: string[]
  started_at: string
  finished_at: string
  received: number
  accepted: number
  duplicates: number
  rejected: number
}

export async function recentIngestRuns(actor: Actor, limit = 20): Promise<IngestRun[]> {
  requirePermission(actor, 'overview:read')
  await clickhouseReady()
  const rows = await query<IngestRun>(
    sql`SELECT * FROM ingest_runs ORDER BY started_at DESC LIMIT ${limit}`,
    { tag: 'overview:runs' },
  )
  return rows.map((r) => ({
    ...r,
    received: Number(r.received),
    accepted: Number(r.accepted),
    duplicates: Number(r.duplicates),
    rejected: Number(r.rejected),
  }))
}
