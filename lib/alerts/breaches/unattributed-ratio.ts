import { attributedActionCtes, withCtes } from '@/lib/attribution'
import { sql } from '@/lib/clickhouse'
import { breachRows, evidenceLink, hoursBefore, through, type Breach, type RuleInput } from './breach'

/**
 * `unattributed_ratio`: unattributed / all agent actions in the rolling window ending at the
 * newest event (both ends included), above the `unattributed_ratio` threshold; `since` is the
 * window's first unattributed action. Attribution is the reports' own (attributedActionCtes).
 */
export async function unattributedRatioBreaches({ newest, settings }: RuleInput): Promise<Breach[]> {
  const threshold = settings.unattributed_ratio
  const window = { from: hoursBefore(newest, settings.alert_rules.unattributed_ratio.window_hours), to: newest, through: true }
  const rows = await breachRows(
    sql`${withCtes(attributedActionCtes(window, settings.default_token_lifetime_seconds))}
      SELECT 'all' AS subject, countIf(identity = '') / count() AS value, minIf(time, identity = '') AS since
      FROM actions
      HAVING count() > 0 AND value > ${threshold}`,
    'unattributed_ratio',
  )
  return rows.map((r) => ({ ...r, threshold, since: new Date(r.since), link: evidenceLink('/actions', { reason: 'unattributed', from: window.from, to: through(newest) }) }))
}
