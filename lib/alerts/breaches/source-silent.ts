import { sql } from '@/lib/clickhouse'
import { breachRows, evidenceLink, through, type Breach, type RuleInput } from './breach'

/**
 * `source_silent`: every source that delivered events before (the coverage report's sources)
 * whose last event is more than `minutes` before the newest event of any source. `value` is
 * its silence in minutes, `since` when the silence passed the limit. The key inventory
 * (`keys`) is a snapshot, not a stream: never silent. Cost: a max per source; the gateway
 * side reads the sorting key's (time) column only.
 */
export async function sourceSilentBreaches({ newest, settings }: RuleInput): Promise<Breach[]> {
  const minutes = settings.alert_rules.source_silent.minutes
  const rows = await breachRows(
    sql`SELECT source AS subject, dateDiff('millisecond', max(last_event), ${newest}) / 60000 AS value,
        addMinutes(max(last_event), ${minutes}) AS since
      FROM (
        SELECT toString(source) AS source, max(time) AS last_event FROM gateway_requests GROUP BY source
        UNION ALL
        SELECT toString(source), max(time) FROM idp_events WHERE source != 'keys' GROUP BY source
      )
      GROUP BY source
      HAVING value > ${minutes}`,
    'source_silent',
  )
  return rows.map((r) => ({
    ...r,
    threshold: minutes,
    since: new Date(r.since),
    link: evidenceLink('/coverage', { from: dayOf(new Date(r.since).getTime() - minutes * 60_000), to: through(newest) }),
  }))
}

const dayOf = (ms: number) => new Date(Math.floor(ms / 86_400_000) * 86_400_000)
