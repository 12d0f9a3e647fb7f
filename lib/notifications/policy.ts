import { z } from 'zod'
import { loadPublicOrigin } from '@/lib/auth/config'

const policyEnvSchema = z.object({
  CUSTODY_NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  CUSTODY_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  CUSTODY_NOTIFY_BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
})

/**
 * How deliveries are tried: each attempt is cut off after `timeoutMs`; after a failure the next
 * waits `backoffMs · 2^(attempt-1)`, at most `maxBackoffMs`, with jitter; after `maxAttempts` the
 * delivery is failed. `origin` makes an alert's link absolute (the dashboard's NEXTAUTH_URL).
 */
export type DeliveryPolicy = { timeoutMs: number; maxAttempts: number; backoffMs: number; maxBackoffMs: number; origin: string }

export function loadDeliveryPolicy(env: NodeJS.ProcessEnv = process.env): DeliveryPolicy {
  const parsed = policyEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v)))
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid Custody notification configuration: ${issues}`)
  }
  const e = parsed.data
  return {
    timeoutMs: e.CUSTODY_NOTIFY_TIMEOUT_MS,
    maxAttempts: e.CUSTODY_NOTIFY_MAX_ATTEMPTS,
    backoffMs: e.CUSTODY_NOTIFY_BACKOFF_MS,
    maxBackoffMs: 15 * 60_000,
    origin: loadPublicOrigin(env),
  }
}

/**
 * The wait before attempt `attempt + 1`. "Equal jitter": half the exponential step is fixed and
 * half random, so retries from many alerts spread out yet never wait longer than the step.
 */
export function backoffDelayMs(policy: DeliveryPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1))
  return Math.round(step / 2 + (random() * step) / 2)
}
