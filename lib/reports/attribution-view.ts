import { requirePermission, type Actor } from '@/lib/auth/actor'
import { recordView } from '@/lib/auth/audit-trail'
import type { AttributionReport } from './attribution'
import { evidenceReport, type ReportPeriod } from './run'

/**
 * The attribution report as the HTTP API answers it: every person's and service account's
 * actions, so reading it is viewing people, and the audit trail records a `view_person` row
 * (target `*`, the period and how many identities it showed) after the report was read.
 */
export async function attributionViewed(actor: Actor, period: ReportPeriod): Promise<AttributionReport> {
  requirePermission(actor, 'people:read')
  const report = await evidenceReport(actor, 'attribution', period)
  await recordView(actor, '*', { report: 'attribution', from: report.from, to: report.to, identities: report.identities.length })
  return report
}
