import type { ActionFilters } from '@/lib/populations/actions'
import type { AttributionReport } from '@/lib/reports/attribution'
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
