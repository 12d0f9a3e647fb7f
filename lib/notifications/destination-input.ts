import { z } from 'zod'
import type { DestinationKind } from '@/db/schema'

// SSRF-sane: only http(s) URLs; no credentials in the URL (they would be shown again on the page).
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .refine((url) => !new URL(url).username && !new URL(url).password, 'must not carry a user or password')

const name = z.string().trim().min(1, 'is required').max(100)
const address = z.email({ error: 'must be an e-mail address' })

export const webhookSettingsSchema = z.object({ url: httpUrl })
export const slackSettingsSchema = z.object({ origin: z.string() })
export const emailSettingsSchema = z.object({
  host: z.string().trim().min(1, 'is required').max(255),
  port: z.coerce.number().int().min(1).max(65535),
  /** `tls`: TLS from the first byte (465); `starttls`: upgrade required (587); `none`: plain, for a relay on localhost only. */
  tls: z.enum(['tls', 'starttls', 'none']),
  user: z.string().trim().max(320).optional(),
  from: address,
  to: z.array(address).min(1, 'needs at least one address').max(20),
})
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>
export type EmailSettings = z.infer<typeof emailSettingsSchema>

const addresses = z.preprocess((text) => (typeof text === 'string' ? text.split(/[,\s]+/).filter(Boolean) : text), z.array(z.string()))

/** A new destination as the page (or a test) submits it; secrets are in `secret`, sealed before storing. */
export const destinationInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), name, url: httpUrl, secret: z.string().min(16, 'must be at least 16 characters').max(256) }),
  z.object({ kind: z.literal('slack'), name, url: httpUrl }),
  z.object({
    kind: z.literal('email'),
    name,
    host: emailSettingsSchema.shape.host,
    port: emailSettingsSchema.shape.port,
    tls: emailSettingsSchema.shape.tls,
    user: z.string().trim().max(320).optional().transform((u) => u || undefined),
    password: z.string().max(1024).optional().transform((p) => p || undefined),
    from: address,
    to: addresses.pipe(emailSettingsSchema.shape.to),
  }),
])
export type DestinationInput = z.input<typeof destinationInputSchema>

/** What is stored in the clear and what is sealed, for one validated input. */
export function splitSecret(input: z.output<typeof destinationInputSchema>): { kind: DestinationKind; name: string; settings: Record<string, unknown>; secret: string | null } {
  switch (input.kind) {
    case 'webhook':
      return { kind: 'webhook', name: input.name, settings: { url: input.url }, secret: input.secret }
    case 'slack':
      // The whole incoming-webhook URL is the credential; only its origin is shown again.
      return { kind: 'slack', name: input.name, settings: { origin: new URL(input.url).origin }, secret: input.url }
    case 'email': {
      const { kind, name, password, ...settings } = input
      return { kind, name, settings, secret: password ?? null }
    }
  }
}
