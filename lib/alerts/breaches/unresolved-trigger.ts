import { credentialCtes, triggerCtes, withCtes } from '@/lib/attribution'
import { sql } from '@/lib/clickhouse'
import { isoFromClickHouse } from '@/lib/reports/common'
import { triggerOutcomeCtes } from '@/lib/reports/revocation-latency'
import { reportThresholds } from '@/lib/thresholds/settings'
import { breachRows, evidenceLink, through, type Breach, type RuleInput } from './breach'

/**
 * `unresolved_trigger`: per identity, its deprovisioning triggers still unresolved at the newest
 * event (a live credential still open then: revocation-latency's own trigger outcomes, with the
 * newest event as generated_at) for longer than the revocation SLA. `value` is the oldest such
 * trigger's age in seconds; `since` when it passed the SLA.
 */
export async function unresolvedTriggerBreaches({ newest, settings }: RuleInput): Promise<Breach[]> {
  const sla = settings.revocation_sla_seconds
  const everything = { from: new Date(0), to: through(newest) }
  const rows = await breachRows(
    sql`${withCtes(triggerCtes, credentialCtes(settings.default_token_lifetime_seconds), triggerOutcomeCtes(everything, reportThresholds(settings, 0), newest))}
      SELECT identity AS subject, max(dateDiff('millisecond', time, ${newest})) / 1000 AS value,
        addSeconds(min(time), ${sla}) AS since, min(time) AS first_trigger
      FROM trigger_outcomes
      WHERE unresolved AND dateDiff('millisecond', time, ${newest}) > ${sla * 1000}
      GROUP BY identity`,
    'unresolved_trigger',
    { first_trigger: isoFromClickHouse },
  )
  return rows.map((r) => ({
    subject: r.subject,
    value: r.value,
    threshold: sla,
    since: new Date(r.since),
    link: evidenceLink('/revocation-latency', { identity: r.subject, unresolved: 'true', from: new Date(r.first_trigger), to: through(newest) }),
  }))
}
