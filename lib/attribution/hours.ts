import { sql, type SqlFragment } from '@/lib/clickhouse'
import { DEFAULT_THRESHOLDS } from '@/lib/reports/thresholds'
import { actionsCte } from './actions'
import { cte, type Cte } from './cte'
import { inWindow, type TimeWindow } from './inputs'

/**
 * Agent actions per hour (db/clickhouse/0009 attributed_hours, kept by maintain/hours.ts): a
 * report over a month reads the period's whole hours from there and only its partial edge
 * hours from attributed_actions. `after_expiry` in the rollup is counted under this lifetime,
 * the default; a report under another one reads every action of the period.
 */
export const ROLLUP_LIFETIME_SECONDS = DEFAULT_THRESHOLDS.default_token_lifetime_seconds

const HOUR_MS = 3_600_000

/** The columns of attributed_hours one group of actions fills, in order (without hour, lifetime, version). */
export const GROUP_COLUMNS = sql`identity, server, client_name, method, reason, actions, after_expiry, after_revocation,
  after_deprovision, conflict, tools, unissued, first_action, last_action`

/**
 * The tallies of the rows of `actions` (actionsCte) grouped by identity, server, client,
 * method and reason, plus `extraKeys`: what one rollup row holds. The distinct non-empty
 * tools, and the presented credentials with no known issue time, as arrays: a report counts
 * distinct elements over groups (uniqExactArray), which is exact and cheaper than merging a
 * hash-set state per group.
 */
export function groupedActions(extraKeys: SqlFragment, filter: SqlFragment = sql`1`): SqlFragment {
  return sql`SELECT ${extraKeys} identity, server, client_name, method, reason, count() AS actions,
      countIf(after_expiry) AS after_expiry, countIf(after_revocation) AS after_revocation,
      countIf(after_deprovision) AS after_deprovision, countIf(conflict) AS conflict,
      groupUniqArrayIf(tool, tool != '') AS tools,
      groupUniqArrayIf(credential_id, credential_id != '' AND credential_issued_at IS NULL) AS unissued, min(time) AS first_action, max(time) AS last_action
    FROM actions
    WHERE ${filter}
    GROUP BY ${extraKeys} identity, server, client_name, method, reason`
}

/** The whole hours of `[from, to)` (half-open; `through` adds the last millisecond): [start, end), or null when none. */
export type WholeHours = { from: Date; to: Date; end: Date }

export function wholeHours(window: TimeWindow): WholeHours | null {
  const end = window.through ? window.to.getTime() + 1 : window.to.getTime()
  const first = Math.ceil(window.from.getTime() / HOUR_MS) * HOUR_MS
  const last = Math.floor(end / HOUR_MS) * HOUR_MS
  return first < last ? { from: new Date(first), to: new Date(last), end: new Date(end) } : null
}

/** The condition on `time` that selects `window` outside its whole `hours` (all of it when there are none): its edge hours. */
export function edgeHours(window: TimeWindow, hours: WholeHours | null): SqlFragment {
  const inside = inWindow(sql`time`, window)
  return hours ? sql`${inside} AND NOT (time >= ${hours.from} AND time < ${hours.to})` : inside
}

/**
 * The agent actions of `window` in groups, as `action_groups` (columns: GROUP_COLUMNS):
 * the window's whole hours from attributed_hours, its partial edge hours (or all of it, under
 * a lifetime other than the rollup's) grouped from the stored attribution. Sums of counts,
 * min/max of times and distinct tools (uniqExactArray) over these groups are exact.
 */
export function actionGroupsCtes(window: TimeWindow, lifetimeSeconds: number): Cte[] {
  const hours = lifetimeSeconds === ROLLUP_LIFETIME_SECONDS ? wholeHours(window) : null
  const edges = edgeHours(window, hours)
  const fromRollup = hours
    ? sql`UNION ALL
      SELECT ${GROUP_COLUMNS} FROM attributed_hours FINAL
      WHERE hour >= ${hours.from} AND hour < ${hours.to} AND actions > 0 AND lifetime_seconds = ${ROLLUP_LIFETIME_SECONDS}`
    : sql``
  return [
    cte(
      'attribution',
      sql`SELECT event_id, time, server, tool, client_name, session_id, credential_id, credential_type,
          credential_explicit_expires, credential_issued_at, identity, method, reason,
          after_revocation, after_deprovision, conflict
        FROM attributed_actions FINAL WHERE ${edges}`,
    ),
    actionsCte(lifetimeSeconds),
    cte('action_groups', sql`${groupedActions(sql``)} ${fromRollup}`),
  ]
}
