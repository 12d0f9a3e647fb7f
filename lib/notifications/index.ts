import { and, eq, isNull } from 'drizzle-orm'
import { openAppStore } from '@/db'
import { notificationDeliveries, notificationDestinations } from '@/db/schema'
import { notificationOf, type NotifiedAlert } from './alert'

export type { NotifiedAlert } from './alert'
export { deliverDueNotifications, drainNotifications } from './worker'

/**
 * Queues one delivery per enabled destination for every alert that became firing or resolved
 * (acknowledgements are not sent). The queue is app state, so a restart loses nothing; the
 * worker (lib/notifications/worker.ts) sends it. Returns how many deliveries were queued.
 */
export async function notifyAlertChanges(changes: readonly NotifiedAlert[]): Promise<{ queued: number }> {
  const notifications = changes.flatMap((alert) => notificationOf(alert) ?? [])
  if (notifications.length === 0) return { queued: 0 }
  const db = await openAppStore()
  const destinations = await db
    .select({ id: notificationDestinations.id })
    .from(notificationDestinations)
    .where(and(eq(notificationDestinations.enabled, true), isNull(notificationDestinations.deletedAt)))
  const rows = destinations.flatMap((d) => notifications.map((n) => ({ destinationId: d.id, alert: n })))
  if (rows.length > 0) await db.insert(notificationDeliveries).values(rows)
  return { queued: rows.length }
}
