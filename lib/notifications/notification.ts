import { z } from 'zod'
import { alertSchema, type AlertChanges } from '@/lib/alerts/alert'

// A destination's test message: shaped like an alert so every sender formats it, but never a rule's.
const testAlertSchema = alertSchema.extend({ id: z.literal('test'), rule: z.literal('test'), threshold: z.null() })

/** What one delivery carries: an alert that started firing or resolved, or a test message. Stored as JSON in the queue. */
export const notificationSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('alert.firing'), alert: alertSchema }),
  z.object({ event: z.literal('alert.resolved'), alert: alertSchema }),
  z.object({ event: z.literal('test'), alert: testAlertSchema }),
])
export type Notification = z.infer<typeof notificationSchema>

export function notificationsOf(changes: AlertChanges): Notification[] {
  return [
    ...changes.fired.map((alert) => ({ event: 'alert.firing' as const, alert })),
    ...changes.resolved.map((alert) => ({ event: 'alert.resolved' as const, alert })),
  ]
}

/** The message test-send delivers, so a receiver can be checked without breaking a threshold. */
export function testNotification(now: Date): Notification {
  return {
    event: 'test',
    alert: { id: 'test', rule: 'test', state: 'firing', subject: 'a test notification from Custody', value: 0, threshold: null, since: now.toISOString(), link: '/alerts' },
  }
}
