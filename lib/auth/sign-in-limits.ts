import { isIP } from 'node:net'
import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible'
import type { AppStore } from '@/db'
import { signInLimits } from '@/db/schema'

/**
 * Sign-in throttling with growing delays, never a hard lock. Each rule counts
 * attempts on its key (rate-limiter-flexible, one atomic upsert per attempt in the
 * `sign_in_limits` table, PGlite or PostgreSQL). The first `free` attempts pass;
 * after that one attempt may pass per delay, and each delay doubles, up to a cap.
 * Attempts are taken before the password is hashed, so parallel requests cannot
 * each get a guess before the first failure counts.
 */
export type BackoffRule = { free: number; firstDelaySeconds: number; maxDelaySeconds: number; memorySeconds: number }
export type SignInScope = 'pair' | 'address' | 'account'
export type SignInRules = Record<SignInScope, BackoffRule>

const DAY = 24 * 3600

// Taken in this order. The address comes first: once it is held back, fresh e-mails from it
// create no counters, so anonymous traffic cannot grow this table without bound.
export const SIGN_IN_RULES: SignInRules = {
  // One address across accounts (spraying): 20 attempts, then 1 min, 2, 4 … up to an hour apart.
  address: { free: 20, firstDelaySeconds: 60, maxDelaySeconds: 3600, memorySeconds: DAY },
  // One address guessing one account: 5 guesses, then the same growing delays.
  pair: { free: 5, firstDelaySeconds: 60, maxDelaySeconds: 3600, memorySeconds: DAY },
  // One account from anywhere: short delays only. Strangers failing on purpose can slow
  // its owner by a minute at most, never lock them out; a distributed guesser gets about
  // one guess a minute.
  account: { free: 10, firstDelaySeconds: 1, maxDelaySeconds: 60, memorySeconds: DAY },
}

/** Who is trying: the account's e-mail and the client address (null when unknown). */
export type SignInAttempt = { email: string; ip: string | null }

export type SignInTurn =
  | { allowed: true; succeeded: () => Promise<void> }
  | { allowed: false; scope: SignInScope; retryAfterSeconds: number; firstRefusal: boolean }

type Limiters = { strikes: RateLimiterDrizzle; gate: RateLimiterDrizzle; rule: BackoffRule }

export class SignInLimits {
  private readonly limiters: Record<SignInScope, Limiters>

  constructor(db: AppStore, rules: SignInRules = SIGN_IN_RULES) {
    const limiter = (keyPrefix: string, points: number, duration: number, clean: boolean) =>
      new RateLimiterDrizzle({ storeClient: db, schema: signInLimits, keyPrefix, points, duration, clearExpiredByTimeout: clean })
    const scopes = Object.keys(rules) as SignInScope[]
    // One cleaner is enough: every limiter shares the table.
    this.limiters = Object.fromEntries(
      scopes.map((scope, i) => [
        scope,
        {
          rule: rules[scope],
          strikes: limiter(`${scope}`, rules[scope].free, rules[scope].memorySeconds, i === 0),
          gate: limiter(`${scope}-gate`, 1, rules[scope].maxDelaySeconds, false),
        },
      ]),
    ) as Record<SignInScope, Limiters>
  }

  /**
   * Takes one attempt on every rule, before any password is checked. A refused
   * attempt is handed back, so hammering while refused makes no delay longer.
   * `firstRefusal` is true once per delay: record that one, not every request.
   */
  async take(attempt: SignInAttempt): Promise<SignInTurn> {
    const keys = keysOf(attempt)
    const taken: { scope: SignInScope; openedGate: boolean }[] = []
    for (const scope of Object.keys(this.limiters) as SignInScope[]) {
      const { strikes, gate, rule } = this.limiters[scope]
      const strike = await settle(strikes.consume(keys[scope]))
      const over = strike.consumedPoints - rule.free + 1
      const turn = over > 0 ? await settle(gate.consume(keys[scope], 1, { customDuration: delaySeconds(rule, over) })) : null
      if (turn && turn.consumedPoints > 1) {
        await this.handBack(keys, [...taken, { scope, openedGate: false }])
        const retryAfterSeconds = Math.max(1, Math.ceil(turn.msBeforeNext / 1000))
        return { allowed: false, scope, retryAfterSeconds, firstRefusal: turn.consumedPoints === 2 }
      }
      taken.push({ scope, openedGate: turn !== null })
    }
    return { allowed: true, succeeded: () => this.succeeded(keys) }
  }

  /** Seconds until an attempt from `attempt` could pass, 0 when it could now (for Retry-After). */
  async retryAfterSeconds(attempt: SignInAttempt): Promise<number> {
    const keys = keysOf(attempt)
    let ms = 0
    for (const scope of Object.keys(this.limiters) as SignInScope[]) {
      const gate = await this.limiters[scope].gate.get(keys[scope])
      if (gate) ms = Math.max(ms, gate.msBeforeNext)
    }
    return Math.ceil(ms / 1000)
  }

  // A correct password clears what the account and this address owe for it; the address
  // keeps its earlier failures, so signing in to one's own account cannot launder them.
  private async succeeded(keys: Record<SignInScope, string>): Promise<void> {
    for (const scope of ['pair', 'account'] as const) {
      await this.limiters[scope].strikes.delete(keys[scope])
      await this.limiters[scope].gate.delete(keys[scope])
    }
    await this.limiters.address.strikes.reward(keys.address, 1)
  }

  private async handBack(keys: Record<SignInScope, string>, taken: { scope: SignInScope; openedGate: boolean }[]): Promise<void> {
    for (const { scope, openedGate } of taken) {
      await this.limiters[scope].strikes.reward(keys[scope], 1)
      if (openedGate) await this.limiters[scope].gate.delete(keys[scope])
    }
  }
}

/** The wait before the `over`-th attempt beyond the free ones: first, 2×first, 4×first … up to the cap. */
export function delaySeconds(rule: BackoffRule, over: number): number {
  return Math.min(rule.maxDelaySeconds, rule.firstDelaySeconds * 2 ** Math.min(over - 1, 30))
}

/** IPv6 clients hold whole /64s: count the prefix, or rotating addresses would get fresh limits. */
export function addressKey(ip: string | null): string {
  if (!ip) return 'unknown'
  if (isIP(ip) !== 6) return ip
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, null]
  const front = head ? head.split(':') : []
  const back = tail ? tail.split(':') : []
  const groups = tail === null ? front : [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back]
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`
}

function keysOf(attempt: SignInAttempt): Record<SignInScope, string> {
  const address = addressKey(attempt.ip)
  return { pair: `${attempt.email}|${address}`, address, account: attempt.email }
}

// consume() rejects with a RateLimiterRes when over the points, and with an Error when the store fails.
async function settle(consumed: Promise<RateLimiterRes>): Promise<RateLimiterRes> {
  try {
    return await consumed
  } catch (err) {
    if (err instanceof RateLimiterRes) return err
    throw err
  }
}
