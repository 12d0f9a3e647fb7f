import { requirePermission, type Actor } from '@/lib/auth/actor'
import { query, sql } from '@/lib/clickhouse'

/**
 * Files the ingest ledger lists outside `dir` (at most `limit`): how `custody demo`
 * tells evidence someone ingested from the demo's own logs. `-` (standard input)
 * counts as outside.
 */
export async function ingestedFilesOutside(actor: Actor, dir: string, limit = 3): Promise<string[]> {
  requirePermission(actor, 'overview:read')
  const rows = await query<{ file: string }>(
    sql`SELECT DISTINCT file FROM (SELECT arrayJoin(files) AS file FROM ingest_runs) WHERE NOT startsWith(file, ${dir}) ORDER BY file LIMIT ${limit}`,
    { tag: 'demo:foreign-runs' },
  )
  return rows.map((r) => r.file)
}
