import { and, eq, isNull } from 'drizzle-orm'
import { openAppStore } from '@/db'
import { notificationDeliveries, notificationDestinations } from '@/db/schema'
import type { AlertChanges } from '@/lib/alerts/alert'
import { notificationsOf } from './notification'

export { deliverDueNotifications, drainNotifications } from './worker'

/**
 * Tells people about alerts an evaluation raised or resolved: queues one delivery per enabled
 * destination for each (acknowledgements are not sent). Called once per evaluation that changed
 * something, after the change is stored. The queue is app state, so a restart loses nothing; the
 * worker (./worker.ts) sends it. Returns how many deliveries were queued.
 */
export async function notifyAlertChanges(changes: AlertChanges): Promise<{ queued: number }> {
  const notifications = notificationsOf(changes)
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
