import { z } from 'zod'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { query, sql } from '@/lib/clickhouse'
import { attributionReady } from '@/lib/attribution'
import { isoFromClickHouse } from '@/lib/reports/common'
import { gatewayRequestDays, knownSources } from '@/lib/reports/coverage'
import type { ReportPeriod } from '@/lib/reports/run'

const time = isoFromClickHouse.nullable()
const watermarkRow = z.object({ source: z.string(), first_event: time, last_event: time, last_ingest: time })
/** How far a source's data reaches: its first and last stored event, and when an ingest run of it last finished. */
export type Watermark = z.infer<typeof watermarkRow>

const silentRow = z.object({ source: z.string(), days: z.array(z.string()) })
/** The UTC days of the period a source delivered no event (their number is coverage's `days_without_events`). */
export type SilentDays = z.infer<typeof silentRow>

/**
 * Per source that ever delivered an event: first and last event stored (all time, not only
 * the period: what the evidence stood on when the pack was made) and the last finished
 * ingest run. The gateway side reads its hourly rollup (request_hours, kept current with the
 * stored attribution: read after its check), not every request; the ledger is small.
 */
export async function sourceWatermarks(actor: Actor): Promise<Watermark[]> {
  requirePermission(actor, 'reports:read')
  await attributionReady()
  const rows = await query<unknown>(
    sql`WITH events AS (
        SELECT toString(source) AS source, min(first_event) AS first_event, max(last_event) AS last_event
        FROM request_hours FINAL WHERE events > 0 GROUP BY source
        UNION ALL
        SELECT toString(source), min(time), max(time) FROM idp_events GROUP BY source
      ),
      ingests AS (SELECT toString(source) AS source, max(finished_at) AS last_ingest FROM ingest_runs GROUP BY source)
      SELECT e.source AS source, toNullable(min(e.first_event)) AS first_event, toNullable(max(e.last_event)) AS last_event,
        if(any(i.source) = '', NULL, toNullable(any(i.last_ingest))) AS last_ingest
      FROM events AS e LEFT JOIN ingests AS i ON i.source = e.source
      GROUP BY e.source ORDER BY e.source`,
    { tag: 'evidence:watermarks' },
  )
  return rows.map((r) => watermarkRow.parse(r))
}

/**
 * Per source that ever delivered an event, the days of [from, to) (every UTC day the period
 * touches, as `coverage` counts them) on which it delivered none, in order: the gateway's days
 * from the rows the coverage report counts them in (gatewayRequestDays), after the same check.
 */
export async function silentDays(actor: Actor, period: ReportPeriod): Promise<SilentDays[]> {
  requirePermission(actor, 'reports:read')
  await attributionReady()
  const lastDay = new Date(period.to.getTime() - 1)
  const rows = await query<unknown>(
    sql`WITH active AS (
        SELECT source, groupUniqArray(day) AS days FROM (${gatewayRequestDays(period)}) GROUP BY source
        UNION ALL
        SELECT toString(source), groupUniqArray(toDate(time)) FROM idp_events WHERE time >= ${period.from} AND time < ${period.to} GROUP BY source
      ),
      known AS (${knownSources()}),
      arrayMap(i -> addDays(toDate(${period.from}), i), range(toUInt32(dateDiff('day', toDate(${period.from}), toDate(${lastDay})) + 1))) AS period_days
      SELECT k.source AS source, arrayMap(d -> toString(d), arrayFilter(d -> NOT has(groupArrayArray(a.days), d), period_days)) AS days
      FROM known AS k LEFT JOIN active AS a ON a.source = k.source
      GROUP BY k.source ORDER BY k.source`,
    { tag: 'evidence:silent-days' },
  )
  return rows.map((r) => silentRow.parse(r))
}
