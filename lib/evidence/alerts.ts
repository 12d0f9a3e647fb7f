import { and, asc, gte, lt } from 'drizzle-orm'
import { openAppStore } from '@/db'
import { alerts } from '@/db/schema'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import type { ReportPeriod } from '@/lib/reports/run'

export type PackAlert = { thresholdKey: string; value: number; openedAt: Date; acknowledgedBy: string | null; acknowledgedAt: Date | null }

/**
 * The alerts raised in [from, to) (the app-state `alerts` table), oldest first, with who
 * acknowledged each and when (CC7.2: alerts raised and acknowledged).
 */
export async function alertsRaised(actor: Actor, period: ReportPeriod): Promise<PackAlert[]> {
  requirePermission(actor, 'reports:read')
  const db = await openAppStore()
  return db
    .select({ thresholdKey: alerts.thresholdKey, value: alerts.value, openedAt: alerts.openedAt, acknowledgedBy: alerts.acknowledgedBy, acknowledgedAt: alerts.acknowledgedAt })
    .from(alerts)
    .where(and(gte(alerts.openedAt, period.from), lt(alerts.openedAt, period.to)))
    .orderBy(asc(alerts.openedAt), asc(alerts.id))
}
