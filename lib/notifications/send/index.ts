import type { DestinationKind } from '@/db/schema'
import type { Notification } from '../notification'
import { emailSettingsSchema, webhookSettingsSchema } from '../destination-input'
import { sendEmail } from './email'
import type { AttemptOutcome } from './http'
import { sendSlack } from './slack'
import { sendWebhook } from './webhook'

export type { AttemptOutcome } from './http'

/** A destination opened for sending: its settings and its unsealed secret. */
export type OpenDestination = { kind: DestinationKind; settings: Record<string, unknown>; secret: string | null }

export async function sendTo(destination: OpenDestination, n: Notification, ctx: { deliveryId: string; origin: string; timeoutMs: number; now: Date }): Promise<AttemptOutcome> {
  switch (destination.kind) {
    case 'webhook':
      return sendWebhook(webhookSettingsSchema.parse(destination.settings).url, destination.secret ?? '', n, ctx)
    case 'slack':
      return sendSlack(destination.secret ?? '', n, ctx)
    case 'email':
      return sendEmail(emailSettingsSchema.parse(destination.settings), destination.secret, n, ctx)
  }
}
