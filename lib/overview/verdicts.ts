import type { RevocationLatencyReport } from '@/lib/reports/revocation-latency'
import type { TokenAgeReport } from '@/lib/reports/token-age'
import type { UnattributedReport } from '@/lib/reports/unattributed'

/** A headline number judged against the threshold in force, with the rule in words. */
export type Verdict = { pass: boolean; rule: string }

const percent = (r: number) => `${(r * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`
const zero = (count: number, what: string): Verdict => ({ pass: count === 0, rule: `expected 0 ${what}` })

/**
 * Pass or exception for each headline (issue 8: the overview). The thresholds are the
 * ones the report says were in force; counts that should never happen must be 0.
 */
export const verdicts = {
  unattributedRatio: (r: UnattributedReport): Verdict => ({
    pass: r.unattributed_ratio <= r.thresholds.unattributed_ratio,
    rule: `alert above ${percent(r.thresholds.unattributed_ratio)}`,
  }),
  afterRevocation: (r: UnattributedReport) => zero(r.flagged.after_revocation, 'after revocation'),
  afterDeprovision: (r: UnattributedReport) => zero(r.flagged.after_deprovision, 'after deprovisioning'),
  afterExpiry: (r: UnattributedReport) => zero(r.flagged.after_expiry, 'after expiry'),
  overMaxAge: (r: TokenAgeReport) => zero(r.over_max_age, 'over their type’s max age'),
  noExpiry: (r: TokenAgeReport) => zero(r.no_expiry, 'without expiry'),
  latencyP95: (r: RevocationLatencyReport): Verdict => ({
    pass: r.latency_seconds.p95 === null || r.latency_seconds.p95 <= r.thresholds.revocation_sla_seconds,
    rule: `SLA ${r.thresholds.revocation_sla_seconds.toLocaleString('en-US')} s`,
  }),
  unresolved: (r: RevocationLatencyReport) => zero(r.unresolved, 'unresolved'),
  postRevocation: (r: RevocationLatencyReport) => zero(r.post_revocation_actions, 'on a healthy gateway'),
}
