import { z } from 'zod'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { query, sql } from '@/lib/clickhouse'
import { clickhouseReady } from '@/lib/clickhouse/ready'
import { isoFromClickHouse } from './common'
import type { ReportPeriod } from './run'
import { parseParams, type SearchParams } from './search-params'

export { InvalidParameter } from './search-params'

const isoTime = (field: string) =>
  z.iso
    .datetime({ offset: true, message: `${field} must be an ISO 8601 time, e.g. 2026-10-01T00:00:00Z` })
    .transform((t) => new Date(t))
    .optional()

const periodQuery = z
  .object({ from: isoTime('from'), to: isoTime('to') })
  .refine((p) => (p.from === undefined) === (p.to === undefined), { message: 'give both from and to, or neither', path: ['to'] })
  .refine((p) => p.from === undefined || p.to === undefined || p.from < p.to, { message: 'from must be before to', path: ['from'] })

/**
 * The period a page shows (dashboard.md): `?from=&to=` (ISO 8601, half-open), else the last
 * full calendar month (UTC) that has data — the latest month that ended before `now` and holds
 * a gateway request or an IdP event; the month before `now`'s when there is no data at all.
 * Throws InvalidParameter (naming `from` or `to`) for a period it cannot use.
 */
export async function pagePeriod(actor: Actor, searchParams: SearchParams, now: Date = new Date()): Promise<ReportPeriod> {
  requirePermission(actor, 'reports:read')
  const given = parseParams(periodQuery, searchParams)
  if (given.from && given.to) return { from: given.from, to: given.to }
  const thisMonth = monthStart(now)
  const latest = await latestEventBefore(thisMonth)
  const from = latest ? monthStart(latest) : addMonths(thisMonth, -1)
  return { from, to: addMonths(from, 1) }
}

/**
 * The latest event time before `before`. The gateway side reads backwards along its sorting
 * key (time, event_id), so it touches a few granules however many requests are stored; the
 * IdP side is small.
 */
async function latestEventBefore(before: Date): Promise<Date | null> {
  await clickhouseReady()
  const [row] = await query<{ latest: string | null }>(
    sql`SELECT maxOrNull(t) AS latest FROM (
        SELECT time AS t FROM (SELECT time FROM gateway_requests WHERE time < ${before} ORDER BY time DESC LIMIT 1)
        UNION ALL
        SELECT maxOrNull(time) FROM idp_events WHERE time < ${before}
      )`,
    { tag: 'period:latest' },
  )
  return row?.latest ? new Date(isoFromClickHouse.parse(row.latest)) : null
}

function monthStart(t: Date): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1))
}

function addMonths(t: Date, months: number): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + months, 1))
}

/** The period as the query string pages and links carry it. */
export function periodQueryString(period: ReportPeriod): string {
  return new URLSearchParams({ from: period.from.toISOString(), to: period.to.toISOString() }).toString()
}
