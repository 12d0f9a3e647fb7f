import { z } from 'zod'

/**
 * An alert as notified: the shape `alerts run --json` prints (issue 13). Evaluation hands the
 * alerts whose state changed to notifyAlertChanges; only `firing` and `resolved` are sent.
 */
export const notifiedAlertSchema = z.object({
  id: z.string(),
  rule: z.string(),
  state: z.enum(['firing', 'acknowledged', 'resolved']),
  subject: z.string(),
  value: z.number(),
  threshold: z.number().nullable(),
  since: z.string(),
  /** The dashboard path (and filter) that shows the evidence behind the alert. */
  link: z.string(),
})
export type NotifiedAlert = z.infer<typeof notifiedAlertSchema>

/** What a delivery carries: an alert that changed state, or a destination's test message. */
export const notificationSchema = z.object({
  event: z.enum(['alert.firing', 'alert.resolved', 'test']),
  alert: notifiedAlertSchema,
})
export type Notification = z.infer<typeof notificationSchema>

export function notificationOf(alert: NotifiedAlert): Notification | null {
  if (alert.state === 'firing') return { event: 'alert.firing', alert }
  if (alert.state === 'resolved') return { event: 'alert.resolved', alert }
  return null
}

/** The message test-send delivers, so a receiver can be checked without breaking a threshold. */
export function testNotification(now: Date): Notification {
  return {
    event: 'test',
    alert: { id: 'test', rule: 'test', state: 'firing', subject: 'a test notification from Custody', value: 0, threshold: null, since: now.toISOString(), link: '/alerts' },
  }
}
