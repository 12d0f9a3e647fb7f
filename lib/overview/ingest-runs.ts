import { requirePermission, type Actor } from '@/lib/auth/actor'
import { query, sql } from '@/lib/clickhouse'
import { clickhouseReady } from '@/lib/clickhouse/ready'

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

/** The latest ingest runs from the ledger: what was read, accepted, deduplicated and rejected. */
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
