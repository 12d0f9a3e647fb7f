import type { ReportName, REPORTS } from '@/lib/reports'
import { verdicts, type Verdict } from '@/lib/overview/verdicts'

/**
 * The SOC 2 controls a pack can be made for (evidence.md, Controls): what each holds, which
 * reports its numbers come from, which populations it lists in full and which charts it draws.
 * The one definition: the export, the PDF, the CLI's usage and the Evidence page's picker read it.
 */
export const CONTROL_IDS = ['CC6.1', 'CC6.2', 'CC6.3', 'CC7.2', 'all'] as const
export type ControlId = (typeof CONTROL_IDS)[number]

export type ReportOf<N extends ReportName> = Awaited<ReturnType<(typeof REPORTS)[N]>>
/** The reports a pack was made from, by name: only those its control needs. */
export type PackReports = { [N in ReportName]?: ReportOf<N> }

/** A number of a report, as the dashboard addresses it (`<report>.<json path>`), judged when a threshold applies. */
export type PackMetric = { key: string; label: string; value: number | null; verdict?: Verdict }
export type PackChart = { title: string; bars: { label: string; value: number }[] }

/** The populations packs list in full (lib/evidence/populations.ts reads them). */
export const PACK_POPULATIONS = [
  'identities', 'credentials', 'off-gateway-grants', 'triggers', 'credentials-over-max-age',
  'credentials-without-expiry', 'service-accounts', 'unattributed-actions', 'flagged-actions', 'post-trigger-actions',
] as const
export type PackPopulationName = (typeof PACK_POPULATIONS)[number]

export type PackPopulation = {
  name: PackPopulationName
  title: string
  /** The report number its row count equals, when one does. */
  count?: { key: string; of: (r: PackReports) => number }
  /** Where none does: a report number its row count cannot exceed (the pack reads populations ahead by their sizes). */
  atMost?: (r: PackReports) => number
}

export type Control = {
  id: Exclude<ControlId, 'all'>
  criterion: string
  holds: string
  reports: ReportName[]
  metrics: (r: PackReports) => PackMetric[]
  charts: (r: PackReports) => PackChart[]
  populations: PackPopulation[]
}

const need = <N extends ReportName>(r: PackReports, name: N): ReportOf<N> => {
  const report = r[name]
  if (!report) throw new Error(`the pack has no ${name} report`)
  return report as ReportOf<N>
}

const metric = (key: string, label: string, value: number | null, verdict?: Verdict): PackMetric => ({ key, label, value, verdict })
const bars = (entries: Record<string, number>) => Object.entries(entries).map(([label, value]) => ({ label, value }))

const ACCESS: Control = {
  id: 'CC6.1',
  criterion: 'Logical access',
  holds: 'attribution (who called which tools, by method), token age, off-gateway grants',
  reports: ['unattributed', 'attribution', 'token-age', 'off-gateway'],
  metrics: (r) => {
    const u = need(r, 'unattributed'), t = need(r, 'token-age'), o = need(r, 'off-gateway')
    return [
      metric('unattributed.total_actions', 'Agent actions', u.total_actions),
      metric('unattributed.attributed_actions', 'Attributed actions', u.attributed_actions),
      metric('unattributed.by_method.credential', 'Attributed by credential', u.by_method.credential),
      metric('unattributed.by_method.subject_claim', 'Attributed by subject claim', u.by_method.subject_claim),
      metric('unattributed.by_method.session', 'Attributed by session', u.by_method.session),
      metric('unattributed.unattributed_ratio', 'Unattributed ratio', u.unattributed_ratio, verdicts.unattributedRatio(u)),
      metric('attribution.unattributed_actions', 'Unattributed actions', need(r, 'attribution').unattributed_actions),
      metric('token-age.credentials', 'Credentials live in the period', t.credentials),
      metric('token-age.age_days.p50', 'Credential age p50 (days)', t.age_days.p50),
      metric('token-age.age_days.p95', 'Credential age p95 (days)', t.age_days.p95),
      metric('token-age.age_days.max', 'Credential age max (days)', t.age_days.max),
      metric('token-age.over_max_age', 'Credentials over max age', t.over_max_age, verdicts.overMaxAge(t)),
      ...o.clients.map((c) => metric(`off-gateway.clients[${c.client}].grants`, `Off-gateway grants to ${c.client}`, c.grants)),
    ]
  },
  charts: (r) => [
    { title: 'Actions by attribution method', bars: bars(need(r, 'unattributed').by_method) },
    { title: 'Credentials by age (days)', bars: bars(need(r, 'token-age').buckets) },
  ],
  populations: [
    { name: 'identities', title: 'People and service accounts who acted', count: { key: 'attribution.identities (entries)', of: (r) => need(r, 'attribution').identities.length } },
    { name: 'credentials', title: 'Credentials live in the period', count: { key: 'token-age.credentials', of: (r) => need(r, 'token-age').credentials } },
    {
      name: 'off-gateway-grants',
      title: 'Grants to agent clients no gateway saw',
      count: { key: 'off-gateway.clients[*].grants (sum)', of: (r) => need(r, 'off-gateway').clients.reduce((n, c) => n + c.grants, 0) },
    },
  ],
}

const PROVISIONING: Control = {
  id: 'CC6.2',
  criterion: 'Provisioning / deprovisioning',
  holds: 'revocation latency, unresolved triggers, post-trigger actions',
  reports: ['revocation-latency'],
  metrics: (r) => {
    const v = need(r, 'revocation-latency')
    return [
      metric('revocation-latency.triggers', 'Deprovisioning triggers', v.triggers),
      metric('revocation-latency.with_live_credentials', 'Triggers with live credentials', v.with_live_credentials),
      metric('revocation-latency.unresolved', 'Unresolved triggers', v.unresolved, verdicts.unresolved(v)),
      metric('revocation-latency.latency_seconds.p50', 'Revocation latency p50 (s)', v.latency_seconds.p50),
      metric('revocation-latency.latency_seconds.p95', 'Revocation latency p95 (s)', v.latency_seconds.p95, verdicts.latencyP95(v)),
      metric('revocation-latency.latency_seconds.max', 'Revocation latency max (s)', v.latency_seconds.max),
      metric('revocation-latency.within_sla', 'Triggers resolved within the SLA', v.within_sla),
      metric('revocation-latency.closed_by_expiry', 'Credentials closed by expiry', v.closed_by_expiry),
      metric('revocation-latency.post_trigger_actions', 'Actions after a trigger', v.post_trigger_actions),
      metric('revocation-latency.post_revocation_actions', 'Actions after revocation', v.post_revocation_actions, verdicts.postRevocation(v)),
    ]
  },
  charts: (r) => {
    const v = need(r, 'revocation-latency')
    return [{ title: 'Deprovisioning triggers', bars: bars({ triggers: v.triggers, 'with live credentials': v.with_live_credentials, 'within SLA': v.within_sla, unresolved: v.unresolved }) }]
  },
  populations: [
    { name: 'triggers', title: 'Deprovisioning triggers', count: { key: 'revocation-latency.triggers', of: (r) => need(r, 'revocation-latency').triggers } },
    {
      name: 'post-trigger-actions',
      title: 'Actions after a deprovisioning trigger (up to generated_at)',
      count: { key: 'revocation-latency.post_trigger_actions', of: (r) => need(r, 'revocation-latency').post_trigger_actions },
    },
  ],
}

const REMOVAL: Control = {
  id: 'CC6.3',
  criterion: 'Access removal and review',
  holds: 'credentials over max age or without expiry, service accounts and their owners',
  reports: ['token-age', 'attribution'],
  metrics: (r) => {
    const t = need(r, 'token-age')
    return [
      metric('token-age.credentials', 'Credentials live in the period', t.credentials),
      metric('token-age.over_max_age', 'Credentials over max age', t.over_max_age, verdicts.overMaxAge(t)),
      metric('token-age.no_expiry', 'Credentials without expiry', t.no_expiry, verdicts.noExpiry(t)),
      ...Object.entries(t.by_type).map(([type, n]) => metric(`token-age.by_type.${type}`, `Credentials of type ${type}`, n)),
      metric('token-age.unknown_issue_time', 'Credentials with unknown issue time', t.unknown_issue_time),
    ]
  },
  charts: (r) => [{ title: 'Credentials by type', bars: bars(need(r, 'token-age').by_type) }],
  populations: [
    { name: 'credentials-over-max-age', title: 'Credentials over their type’s max age', count: { key: 'token-age.over_max_age', of: (r) => need(r, 'token-age').over_max_age } },
    { name: 'credentials-without-expiry', title: 'Credentials without expiry', count: { key: 'token-age.no_expiry', of: (r) => need(r, 'token-age').no_expiry } },
    { name: 'service-accounts', title: 'Service accounts that acted, and their owners', atMost: (r) => need(r, 'attribution').identities.length },
  ],
}

const MONITORING: Control = {
  id: 'CC7.2',
  criterion: 'Monitoring',
  holds: 'unattributed access, use after revocation / expiry / deprovision, alerts raised and acknowledged',
  reports: ['unattributed', 'revocation-latency'],
  metrics: (r) => {
    const u = need(r, 'unattributed')
    return [
      metric('unattributed.total_actions', 'Agent actions', u.total_actions),
      metric('unattributed.unattributed_actions', 'Unattributed actions', u.unattributed_actions),
      metric('unattributed.unattributed_ratio', 'Unattributed ratio', u.unattributed_ratio, verdicts.unattributedRatio(u)),
      ...Object.entries(u.by_reason).map(([reason, n]) => metric(`unattributed.by_reason.${reason}`, `Unattributed: ${reason}`, n)),
      metric('unattributed.flagged.after_expiry', 'Actions after expiry', u.flagged.after_expiry, verdicts.afterExpiry(u)),
      metric('unattributed.flagged.after_revocation', 'Actions after revocation', u.flagged.after_revocation, verdicts.afterRevocation(u)),
      metric('unattributed.flagged.after_deprovision', 'Actions after deprovisioning', u.flagged.after_deprovision, verdicts.afterDeprovision(u)),
      metric('unattributed.flagged.conflict', 'Actions with conflicting attribution', u.flagged.conflict),
      metric('unattributed.denied_requests', 'Requests the gateway refused', u.denied_requests),
      metric('revocation-latency.post_revocation_actions', 'Actions after revocation (post-revocation)', need(r, 'revocation-latency').post_revocation_actions, verdicts.postRevocation(need(r, 'revocation-latency'))),
    ]
  },
  charts: (r) => [
    { title: 'Unattributed actions by reason', bars: bars(need(r, 'unattributed').by_reason) },
    { title: 'Flagged actions', bars: bars(need(r, 'unattributed').flagged) },
  ],
  populations: [
    { name: 'unattributed-actions', title: 'Unattributed actions', count: { key: 'unattributed.unattributed_actions', of: (r) => need(r, 'unattributed').unattributed_actions } },
    {
      name: 'flagged-actions',
      title: 'Actions with a flag (after expiry, revocation, deprovisioning; conflict)',
      // each flagged action has at least one of the flags the report counts
      atMost: (r) => Object.values(need(r, 'unattributed').flagged).reduce((n, c) => n + c, 0),
    },
  ],
}

export const CONTROLS: Record<Control['id'], Control> = { 'CC6.1': ACCESS, 'CC6.2': PROVISIONING, 'CC6.3': REMOVAL, 'CC7.2': MONITORING }

/** What `--control` names: one control, or every one of them in one pack. */
export function controlsOf(id: ControlId): Control[] {
  return id === 'all' ? Object.values(CONTROLS) : [CONTROLS[id]]
}

/** How many rows a population has, or at most has, by the reports; Infinity when they do not say. */
export function sizeOf(p: PackPopulation, reports: PackReports): number {
  return p.count ? p.count.of(reports) : (p.atMost?.(reports) ?? Infinity)
}

/** Whether a pack for `id` lists the alerts raised in its period (CC7.2's monitoring). */
export function listsAlerts(id: ControlId): boolean {
  return controlsOf(id).some((c) => c.id === 'CC7.2')
}

/** The reports a pack for `id` needs, each once. */
export function reportsOf(id: ControlId): ReportName[] {
  return [...new Set(controlsOf(id).flatMap((c) => c.reports))]
}

export function isControlId(id: string): id is ControlId {
  return (CONTROL_IDS as readonly string[]).includes(id)
}

/** The table in evidence.md, for a picker or `--help`. */
export function controlSummary(id: ControlId): { criterion: string; holds: string } {
  if (id === 'all') return { criterion: 'All of the above', holds: 'one pack' }
  return { criterion: CONTROLS[id].criterion, holds: CONTROLS[id].holds }
}
