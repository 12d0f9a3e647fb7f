import { createHmac } from 'node:crypto'
import type { Notification } from '../notification'
import { absoluteLink } from '../message'
import { postJson, type AttemptOutcome } from './http'

export const SIGNATURE_HEADER = 'x-custody-signature'
export const TIMESTAMP_HEADER = 'x-custody-timestamp'

/**
 * The generic webhook: signed JSON. The signature is `sha256=` and the hex HMAC-SHA256, keyed
 * with the destination's secret, of `<timestamp>.<body>` (README, Notifications): a receiver
 * recomputes it over the raw body and refuses an old timestamp, so a captured post cannot be replayed.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

export function webhookBody(n: Notification, deliveryId: string, origin: string, now: Date): string {
  return JSON.stringify({ event: n.event, delivery_id: deliveryId, sent_at: now.toISOString(), alert: { ...n.alert, link: absoluteLink(n.alert.link, origin) } })
}

export async function sendWebhook(url: string, secret: string, n: Notification, ctx: { deliveryId: string; origin: string; timeoutMs: number; now: Date }): Promise<AttemptOutcome> {
  const body = webhookBody(n, ctx.deliveryId, ctx.origin, ctx.now)
  const timestamp = String(Math.floor(ctx.now.getTime() / 1000))
  const headers = { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body), 'x-custody-delivery': ctx.deliveryId }
  return postJson(url, body, headers, ctx.timeoutMs)
}
