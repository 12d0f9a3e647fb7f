import { describe, expect, it } from 'vitest'
import { backoffDelayMs, loadDeliveryPolicy } from '@/lib/notifications/policy'

const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv

describe('delivery policy', () => {
  const policy = loadDeliveryPolicy(env({ CUSTODY_NOTIFY_BACKOFF_MS: '1000' }))

  it('doubles the wait after each failed attempt, jittered within the upper half of each step, capped at 15 minutes', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(policy, n, () => 0))).toEqual([500, 1000, 2000, 4000])
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(policy, n, () => 1))).toEqual([1000, 2000, 4000, 8000])
    expect(backoffDelayMs(policy, 30, () => 1)).toBe(15 * 60_000)
  })

  it('has defaults that keep a dead receiver bounded, and names a bad setting', () => {
    expect(loadDeliveryPolicy(env({}))).toMatchObject({ timeoutMs: 10_000, maxAttempts: 5, backoffMs: 5000, origin: 'http://localhost:3000' })
    expect(() => loadDeliveryPolicy(env({ CUSTODY_NOTIFY_MAX_ATTEMPTS: '0' }))).toThrow(/CUSTODY_NOTIFY_MAX_ATTEMPTS: Too small/)
  })
})
