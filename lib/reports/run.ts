import { openAppStore } from '@/db'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { thresholdsInForce } from '@/lib/thresholds/in-force'
import { runReport, type ReportName } from './index'

export type ReportPeriod = { from: Date; to: Date }

/**
 * The one way pages, the HTTP API, the CLI and PDFs ask for a report: checks the
 * actor may read reports, loads the thresholds in force, runs the report's query. `now` is
 * its generated_at (an evidence pack's `--as-of`); default: the present.
 */
export async function evidenceReport<N extends ReportName>(actor: Actor, name: N, period: ReportPeriod, now?: Date) {
  requirePermission(actor, 'reports:read')
  const thresholds = await thresholdsInForce(await openAppStore())
  return runReport(name, { ...period, thresholds, now })
}
