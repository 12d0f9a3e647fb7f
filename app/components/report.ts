import { cache } from 'react'
import type { Actor } from '@/lib/auth/actor'
import type { REPORTS, ReportName } from '@/lib/reports'
import { evidenceReport } from '@/lib/reports/run'

export type ReportOf<N extends ReportName> = Awaited<ReturnType<(typeof REPORTS)[N]>>

const cachedReport = cache((actor: Actor, name: ReportName, from: number, to: number) => evidenceReport(actor, name, { from: new Date(from), to: new Date(to) }))

/** A report for the page's period, run once per request however many sections show it. */
export function pageReport<N extends ReportName>(actor: Actor, name: N, period: { from: Date; to: Date }): Promise<ReportOf<N>> {
  return cachedReport(actor, name, period.from.getTime(), period.to.getTime()) as Promise<ReportOf<N>>
}
