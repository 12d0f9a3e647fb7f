import type { ActionFilters } from '@/lib/populations/actions'
import type { CredentialFilters } from '@/lib/populations/credentials'
import type { TriggerFilters } from '@/lib/populations/triggers'
import type { AttributionReport } from '@/lib/reports/attribution'
import type { RevocationLatencyReport } from '@/lib/reports/revocation-latency'
import type { TokenAgeReport } from '@/lib/reports/token-age'
import type { UnattributedReport } from '@/lib/reports/unattributed'

/**
 * Every actions filter whose row count a report states, with the report key it must equal
 * (dashboard.md: "counting the rows of a filter gives the matching report number").
 */
export function actionFilterExpectations(u: UnattributedReport, a: AttributionReport): { key: string; filters: ActionFilters; count: number }[] {
  const cases: { key: string; filters: ActionFilters; count: number }[] = [
    { key: 'unattributed.total_actions', filters: {}, count: u.total_actions },
    { key: 'unattributed.unattributed_actions', filters: { reason: 'unattributed' }, count: u.unattributed_actions },
  ]
  for (const [reason, n] of Object.entries(u.by_reason)) cases.push({ key: `unattributed.by_reason.${reason}`, filters: { reason: reason as never }, count: n })
  for (const [method, n] of Object.entries(u.by_method)) cases.push({ key: `unattributed.by_method.${method}`, filters: { method: method as never }, count: n })
  for (const [flag, n] of Object.entries(u.flagged)) cases.push({ key: `unattributed.flagged.${flag}`, filters: { flag: flag as never }, count: n })
  for (const s of u.by_server) {
    cases.push({ key: `unattributed.by_server[${s.server}].total`, filters: { server: s.server }, count: s.total })
    cases.push({ key: `unattributed.by_server[${s.server}].unattributed`, filters: { server: s.server, reason: 'unattributed' }, count: s.unattributed })
  }
  for (const c of u.by_client) {
    cases.push({ key: `unattributed.by_client[${c.client}].total`, filters: { client: c.client }, count: c.total })
    cases.push({ key: `unattributed.by_client[${c.client}].unattributed`, filters: { client: c.client, reason: 'unattributed' }, count: c.unattributed })
  }
  for (const i of a.identities) {
    cases.push({ key: `attribution.identities[${i.identity}].actions`, filters: { identity: i.identity }, count: i.actions })
    for (const [method, n] of Object.entries(i.by_method)) {
      cases.push({ key: `attribution.identities[${i.identity}].by_method.${method}`, filters: { identity: i.identity, method: method as never }, count: n })
    }
    for (const [flag, n] of Object.entries(i.flagged)) {
      cases.push({ key: `attribution.identities[${i.identity}].flagged.${flag}`, filters: { identity: i.identity, flag: flag as never }, count: n })
    }
  }
  return cases
}

/** Every credentials filter whose row count `token-age` states. */
export function credentialFilterExpectations(r: TokenAgeReport): { key: string; filters: CredentialFilters; count: number }[] {
  return [
    { key: 'token-age.credentials', filters: {}, count: r.credentials },
    { key: 'token-age.no_expiry', filters: { no_expiry: true }, count: r.no_expiry },
    { key: 'token-age.over_max_age', filters: { over_max_age: true }, count: r.over_max_age },
    ...Object.entries(r.by_type).map(([type, n]) => ({ key: `token-age.by_type.${type}`, filters: { type: type as never }, count: n })),
    ...Object.entries(r.buckets).map(([bucket, n]) => ({ key: `token-age.buckets.${bucket}`, filters: { bucket: bucket as never }, count: n })),
  ]
}

/** Every triggers filter whose row count `revocation-latency` states. */
export function triggerFilterExpectations(r: RevocationLatencyReport): { key: string; filters: TriggerFilters; count: number }[] {
  return [
    { key: 'revocation-latency.triggers', filters: {}, count: r.triggers },
    { key: 'revocation-latency.unresolved', filters: { unresolved: true }, count: r.unresolved },
    { key: 'revocation-latency.with_live_credentials', filters: { with_live_credentials: true }, count: r.with_live_credentials },
    { key: 'revocation-latency.within_sla', filters: { within_sla: true }, count: r.within_sla },
  ]
}
