import { and, asc, gte, lt, lte } from 'drizzle-orm'
import { openAppStore, type AppStore } from '@/db'
import { alerts } from '@/db/schema'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import type { ReportPeriod } from '@/lib/reports/run'

/** An alert as a pack lists it; acknowledgement and resolution only when they happened by the pack's generated_at. */
export type PackAlert = {
  rule: string
  subject: string
  value: number
  threshold: number
  openedAt: Date
  acknowledgedBy: string | null
  acknowledgedAt: Date | null
  resolvedAt: Date | null
}

/**
 * The alerts raised in [from, to) by `through` (the pack's generated_at), oldest first, with who
 * acknowledged each and when (CC7.2: alerts raised and acknowledged; lib/alerts raises them).
 * What happened after `through` is left out, so the same as-of gives the same pack.
 */
export async function alertsRaised(actor: Actor, period: ReportPeriod, through: Date, db?: AppStore): Promise<PackAlert[]> {
  requirePermission(actor, 'reports:read')
  const rows = await (db ?? (await openAppStore()))
    .select()
    .from(alerts)
    .where(and(gte(alerts.openedAt, period.from), lt(alerts.openedAt, period.to), lte(alerts.openedAt, through)))
    .orderBy(asc(alerts.openedAt), asc(alerts.rule), asc(alerts.subject))
  const by = (t: Date | null) => (t !== null && t <= through ? t : null)
  return rows.map((r) => {
    const acknowledgedAt = by(r.acknowledgedAt)
    return {
      rule: r.rule,
      subject: r.subject,
      value: r.value,
      threshold: r.threshold,
      openedAt: r.openedAt,
      acknowledgedBy: acknowledgedAt ? r.acknowledgedBy : null,
      acknowledgedAt,
      resolvedAt: by(r.resolvedAt),
    }
  })
}
