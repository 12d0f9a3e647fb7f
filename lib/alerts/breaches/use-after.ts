import { attributedActionCtes, withCtes } from '@/lib/attribution'
import { sql, unsafeRawSql } from '@/lib/clickhouse'
import { breachRows, evidenceLink, hoursBefore, through, type Breach, type RuleInput } from './breach'

/**
 * `use_after_revocation`: per credential, its agent actions in the window ending at the newest
 * event that presented it after its revocation (the `after_revocation` flag of metrics.md);
 * any one is a breach (threshold 0). `since` is the first such action.
 */
export function useAfterRevocationBreaches(input: RuleInput): Promise<Breach[]> {
  return flaggedActionBreaches(input, 'use_after_revocation', 'after_revocation', 'credential_id', 'credential')
}

/**
 * `use_after_deprovision`: per identity, its agent actions in the window ending at the newest
 * event after its first deprovisioning trigger (the `after_deprovision` flag); any one is a breach.
 */
export function useAfterDeprovisionBreaches(input: RuleInput): Promise<Breach[]> {
  return flaggedActionBreaches(input, 'use_after_deprovision', 'after_deprovision', 'identity', 'identity')
}

type Flag = 'after_revocation' | 'after_deprovision'

async function flaggedActionBreaches(
  { newest, settings }: RuleInput,
  rule: 'use_after_revocation' | 'use_after_deprovision',
  flag: Flag,
  subject: 'credential_id' | 'identity',
  filter: 'credential' | 'identity',
): Promise<Breach[]> {
  const window = { from: hoursBefore(newest, settings.alert_rules[rule].window_hours), to: newest, through: true }
  // flag and subject are constants of this file, never input
  const rows = await breachRows(
    sql`${withCtes(attributedActionCtes(window, settings.default_token_lifetime_seconds))}
      SELECT ${unsafeRawSql(subject)} AS subject, count() AS value, min(time) AS since
      FROM actions
      WHERE ${unsafeRawSql(flag)}
      GROUP BY subject
      HAVING value > 0`,
    rule,
  )
  return rows.map((r) => ({
    ...r,
    threshold: 0,
    since: new Date(r.since),
    link: evidenceLink('/actions', { [filter]: r.subject, flag, from: window.from, to: through(newest) }),
  }))
}
