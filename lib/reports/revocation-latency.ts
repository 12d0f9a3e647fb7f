import { z } from 'zod'
import { sql, type SqlFragment } from '@/lib/clickhouse'
import { actionGroupsCtes, credentialCtes, cte, triggerCtes, wholeHours, withCtes, type Cte } from '@/lib/attribution'
import { count, nearestRank, reportHeader, reportHeaderSchema, reportRow, type ReportOptions } from './common'
import type { ReportPeriod } from './run'
import type { Thresholds } from './thresholds'

const seconds = z.number().nullable()

const body = z.object({
  triggers: count,
  with_live_credentials: count,
  unresolved: count,
  latency_seconds: z.object({ p50: seconds, p95: seconds, max: seconds }),
  within_sla: count,
  closed_by_expiry: count,
  post_trigger_actions: count,
  post_revocation_actions: count,
})

export const revocationLatencyReportSchema = reportHeaderSchema('revocation-latency').extend(body.shape)
export type RevocationLatencyReport = z.infer<typeof revocationLatencyReportSchema>

/**
 * `revocation-latency` (metrics.md): deprovisioning triggers at T in [from, to), the credentials
 * of the trigger's identity live at T, and when each closed (min of revoked_at, expires_at;
 * open when that is null or after generated_at). Post-revocation actions stay in the period
 * (its action groups, actionGroupsCtes); post-trigger actions run from `from` to generated_at
 * (postTriggerActions). A credential with no known issue time is never live at T (the spec's
 * `issued_at <= T` cannot hold). Cost: the period's action groups, the credential set and the
 * few identities with a trigger; no pass over every action.
 */
export async function revocationLatencyReport(opts: ReportOptions): Promise<RevocationLatencyReport> {
  const generatedAt = opts.now ?? new Date()
  const t = opts.thresholds
  const lifetime = t.default_token_lifetime_seconds
  const period = { from: opts.from, to: opts.to }
  const row = await reportRow(
    sql`${withCtes(triggerCtes, credentialCtes(lifetime), actionGroupsCtes(period, lifetime), triggerOutcomeCtes(opts, t, generatedAt), [identityReachCte])},
      tallies AS (
        SELECT count() AS triggers, countIf(o.live > 0) AS with_live_credentials, countIf(o.unresolved) AS unresolved,
          arraySort(groupArrayIf(assumeNotNull(o.latency), o.live > 0 AND NOT o.unresolved)) AS sorted,
          countIf(o.within_sla) AS within_sla, sum(o.closed_by_expiry) AS closed_by_expiry
        FROM trigger_outcomes AS o
      ),
      action_tallies AS (
        SELECT ${postTriggerActions(opts.from, generatedAt)} AS post_trigger_actions,
          (SELECT sum(after_revocation) FROM action_groups) AS post_revocation_actions
      )
      SELECT triggers, with_live_credentials, unresolved,
        CAST((${nearestRank(sql`sorted`, 50)}, ${nearestRank(sql`sorted`, 95)}, if(empty(sorted), NULL, arrayMax(sorted))),
          'Tuple(p50 Nullable(Float64), p95 Nullable(Float64), max Nullable(Float64))') AS latency_seconds,
        within_sla, closed_by_expiry, post_trigger_actions, post_revocation_actions
      FROM tallies CROSS JOIN action_tallies`,
    body,
    'revocation-latency',
  )
  return revocationLatencyReportSchema.parse({ ...reportHeader('revocation-latency', opts, generatedAt), ...row })
}

/**
 * The actions attributed to an identity of `identity_reach` after its first trigger in the
 * period (`since`), from `from` through `generatedAt`. Per identity the window starts at
 * `lower` = max(from, since + 1 ms): its whole hours up to generated_at's hour are summed
 * from attributed_hours, the rest (the hour `lower` falls in, and generated_at's own hour)
 * counted from attributed_actions, read only in those hours.
 */
function postTriggerActions(from: Date, generatedAt: Date): SqlFragment {
  const hours = wholeHours({ from, to: generatedAt, through: true })
  const bounds = sql`(SELECT identity, greatest(${from}, since + toIntervalMillisecond(1)) AS lower,
      if(toStartOfHour(lower) = lower, lower, toStartOfHour(lower) + INTERVAL 1 HOUR) AS whole_from
    FROM identity_reach)`
  const reached = sql`identity IN (SELECT identity FROM identity_reach)`
  if (!hours) {
    return sql`(SELECT count() FROM (SELECT identity, time FROM attributed_actions FINAL
        WHERE time >= ${from} AND time <= ${generatedAt} AND ${reached}) AS a
      INNER JOIN ${bounds} AS b ON b.identity = a.identity WHERE a.time >= b.lower)`
  }
  return sql`(SELECT sum(h.actions) FROM (SELECT identity, hour, actions FROM attributed_hours FINAL
        WHERE hour >= ${hours.from} AND hour < ${hours.to} AND actions > 0 AND ${reached}) AS h
      INNER JOIN ${bounds} AS b ON b.identity = h.identity WHERE h.hour >= b.whole_from)
    + (SELECT count() FROM (SELECT identity, time FROM attributed_actions FINAL
        WHERE time >= ${from} AND time <= ${generatedAt} AND ${reached}
          AND (toStartOfHour(time) IN (SELECT toStartOfHour(lower) FROM ${bounds}) OR time >= ${hours.to})) AS a
      INNER JOIN ${bounds} AS b ON b.identity = a.identity
      WHERE a.time >= b.lower AND NOT (a.time >= b.whole_from AND a.time < ${hours.to}))`
}

/**
 * Each deprovisioning trigger at T in the period (`period_triggers`), the credentials of its
 * identity live at T (`live_pairs`: each closes at min(revoked_at, expires_at), open when that
 * is null or after `generatedAt`), and per trigger (`trigger_outcomes`): `live` credentials,
 * `open_credentials`, `unresolved` (some open), `latency` in seconds (max of close - T over
 * live credentials; 0 without any; null while unresolved), `within_sla`, and how many closed
 * by expiry. The report counts these; the triggers population lists them. Needs triggers and
 * credentials. A credential with no known issue time is never live at T (`issued_at <= T`
 * cannot hold).
 */
export function triggerOutcomeCtes(period: ReportPeriod, t: Thresholds, generatedAt: Date): Cte[] {
  return [
    periodTriggersCte(period),
    cte(
      'live_pairs',
      sql`SELECT p.event_id AS event_id, p.fact_index AS fact_index, c.credential_id AS credential_id, c.expires_at AS expires_at, c.revoked_at AS revoked_at,
          multiIf(revoked_at IS NULL, expires_at, expires_at IS NULL, revoked_at, least(revoked_at, expires_at)) AS closed_at,
          closed_at IS NULL OR closed_at > ${generatedAt} AS open,
          NOT open AND expires_at IS NOT NULL AND (revoked_at IS NULL OR revoked_at >= expires_at) AS by_expiry
        FROM period_triggers AS p
        INNER JOIN credentials AS c ON c.subject = p.identity
        WHERE c.issued_at <= p.time AND (c.expires_at IS NULL OR c.expires_at > p.time)
          AND (c.revoked_at IS NULL OR c.revoked_at > p.time)`,
    ),
    cte(
      'trigger_outcomes',
      sql`SELECT p.event_id AS event_id, p.fact_index AS fact_index, any(p.time) AS time, any(p.identity) AS identity,
          any(p.source) AS source, any(p.vendor_event_type) AS vendor_event_type,
          countIf(l.credential_id != '') AS live, countIf(l.open) AS open_credentials, open_credentials > 0 AS unresolved,
          if(unresolved, NULL, ifNull(maxIf(dateDiff('millisecond', p.time, l.closed_at), l.credential_id != '' AND NOT l.open), 0) / 1000) AS latency,
          NOT unresolved AND (live = 0 OR latency <= ${t.revocation_sla_seconds}) AS within_sla,
          countIf(l.by_expiry) AS closed_by_expiry
        FROM period_triggers AS p
        LEFT JOIN live_pairs AS l ON l.event_id = p.event_id AND l.fact_index = p.fact_index
        GROUP BY p.event_id, p.fact_index`,
    ),
  ]
}

/** The deprovisioning triggers at T in the period. Needs triggers. */
export function periodTriggersCte(period: ReportPeriod): Cte {
  return cte(
    'period_triggers',
    sql`SELECT event_id, fact_index, time, identity, source, vendor_event_type FROM triggers
      WHERE time >= ${period.from} AND time < ${period.to}`,
  )
}

/**
 * Each identity with a trigger in the period and its first trigger's time: its actions after
 * `since` (up to generated_at) are the post-trigger actions, counted by the report and listed
 * by the post-trigger-actions population. A live credential's subject is the trigger's
 * identity, and rule 1 attributes every action presenting it to that subject: "presents a live
 * credential or is attributed to the identity" is "attributed to the identity, after T".
 * Needs period_triggers.
 */
export const identityReachCte: Cte = cte('identity_reach', sql`SELECT identity, min(time) AS since FROM period_triggers GROUP BY identity`)
