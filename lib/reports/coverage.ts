import { z } from 'zod'
import { sql, type SqlFragment } from '@/lib/clickhouse'
import { edgeHours, wholeHours } from '@/lib/attribution'
import { count, reportHeader, reportHeaderSchema, reportRow, type ReportOptions } from './common'

const iso = z.string().nullable().transform((t) => (t === null ? null : new Date(t.endsWith('Z') ? t : `${t}Z`).toISOString()))
const sourceRow = z.object({
  source: z.string(),
  events: count,
  first_event: iso,
  last_event: iso,
  days_without_events: count,
})
const body = z.object({ days: count, sources: z.array(sourceRow) })

export const coverageReportSchema = reportHeaderSchema('coverage').extend({
  days: count,
  sources: z.array(sourceRow.extend({ first_event: z.iso.datetime().nullable(), last_event: z.iso.datetime().nullable() })),
})
export type CoverageReport = z.infer<typeof coverageReportSchema>

/**
 * `coverage`: per source that ever delivered an event, its distinct events in [from, to),
 * the first and last of them (null when none) and how many of the period's UTC days
 * (`days`: every calendar day the period touches) have none — a gap an auditor asks about.
 * Gateway requests are counted once however often stored (distinct event id and time, as
 * FINAL dedupes them, see requestsCte); an IdP record is one event whatever its number of
 * facts. Cost: the period's whole hours from request_hours (db/clickhouse/0010), its edge
 * hours from gateway_requests, and the IdP side's event ids.
 */
export async function coverageReport(opts: ReportOptions): Promise<CoverageReport> {
  const generatedAt = opts.now ?? new Date()
  const lastDay = new Date(opts.to.getTime() - 1)
  const row = await reportRow(
    sql`WITH
      per_source AS (
        SELECT source, sum(events) AS events, toNullable(min(first_event)) AS first_event,
          toNullable(max(last_event)) AS last_event, uniqExact(day) AS active_days
        FROM (${gatewayRequestDays(opts)})
        GROUP BY source
        UNION ALL
        SELECT toString(source), uniqExact(event_id), toNullable(min(time)), toNullable(max(time)), uniqExact(toDate(time))
        FROM idp_events WHERE time >= ${opts.from} AND time < ${opts.to} GROUP BY source
      ),
      known_sources AS (${knownSources()}),
      dateDiff('day', toDate(${opts.from}), toDate(${lastDay})) + 1 AS period_days
      SELECT period_days AS days,
        CAST(arraySort(x -> x.1, groupArray((k.source, p.events, p.first_event, p.last_event, period_days - p.active_days))),
          'Array(Tuple(source String, events UInt64, first_event Nullable(DateTime64(3, \\'UTC\\')),
            last_event Nullable(DateTime64(3, \\'UTC\\')), days_without_events UInt64))') AS sources
      FROM known_sources AS k
      LEFT JOIN per_source AS p ON p.source = k.source`,
    body,
    'coverage',
  )
  return coverageReportSchema.parse({ ...reportHeader('coverage', opts, generatedAt), ...row })
}

/** Every source that ever delivered an event (column `source`): the coverage report's rows, and the pack's silent days'. */
export function knownSources(): SqlFragment {
  return sql`SELECT DISTINCT toString(source) AS source FROM request_hours
    UNION DISTINCT
    SELECT DISTINCT toString(source) FROM idp_events`
}

/**
 * The period's gateway requests per source and UTC day (rows of a day may repeat: one per part):
 * whole hours from request_hours, the partial edge hours from gateway_requests. A request's
 * copies share its time, so its hour: the counts add up exactly. The evidence pack's silent
 * days read it too, so they are the very days this report counts.
 */
export function gatewayRequestDays(period: { from: Date; to: Date }): SqlFragment {
  const hours = wholeHours(period)
  const raw = sql`SELECT toString(source) AS source, uniqExact(event_id, time) AS events, min(time) AS first_event,
      max(time) AS last_event, toDate(time) AS day
    FROM gateway_requests WHERE ${edgeHours(period, hours)} GROUP BY source, day`
  if (!hours) return raw
  return sql`${raw}
    UNION ALL
    SELECT toString(source), events, first_event, last_event, toDate(hour)
    FROM request_hours FINAL WHERE hour >= ${hours.from} AND hour < ${hours.to} AND events > 0`
}
