import { query, sql } from '@/lib/clickhouse'
import { isoFromClickHouse } from '@/lib/reports/common'

/**
 * The newest event stored, gateway or IdP: where every alert window ends, so a backfill of old
 * logs raises the alerts its data shows. Null when nothing is stored. The gateway side reads
 * backwards along its sorting key (time, event_id): a few granules however many requests.
 */
export async function newestEventTime(): Promise<Date | null> {
  const [row] = await query<{ newest: string | null }>(
    sql`SELECT maxOrNull(t) AS newest FROM (
        SELECT time AS t FROM (SELECT time FROM gateway_requests ORDER BY time DESC LIMIT 1)
        UNION ALL
        SELECT maxOrNull(time) FROM idp_events
      )`,
    { tag: 'alert:newest-event' },
  )
  return row?.newest ? new Date(isoFromClickHouse.parse(row.newest)) : null
}
