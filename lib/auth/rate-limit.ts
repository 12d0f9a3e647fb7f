import { and, desc, eq, gt, isNull, max, or, sql } from 'drizzle-orm'
import type { AppStore } from '@/db'
import { auditEvents } from '@/db/schema'

/**
 * Sign-in throttling, counted from the audit trail itself, so it holds across
 * restarts and across dashboard processes sharing one PostgreSQL:
 * - per account: 5 failed sign-ins in 15 minutes since its last successful one;
 * - per address: 20 failed sign-ins in 15 minutes, whatever the account.
 * Refused attempts are recorded but not counted: they checked no password, and
 * counting them would let an attacker keep an account locked for ever.
 */
export const SIGN_IN_WINDOW_SECONDS = 15 * 60
export const ACCOUNT_FAILURE_LIMIT = 5
export const ADDRESS_FAILURE_LIMIT = 20

export const RATE_LIMITED = 'rate_limited'

export type SignInAllowance = { allowed: true } | { allowed: false; limit: 'account' | 'address'; retryAfterSeconds: number }

export async function signInAllowance(
  db: AppStore,
  attempt: { email: string; ip: string | null },
  now: Date = new Date(),
): Promise<SignInAllowance> {
  const windowStart = new Date(now.getTime() - SIGN_IN_WINDOW_SECONDS * 1000)
  const [{ lastSuccess }] = await db
    .select({ lastSuccess: max(auditEvents.at) })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'sign_in'), eq(auditEvents.actor, attempt.email)))
  const accountSince = lastSuccess && lastSuccess > windowStart ? lastSuccess : windowStart
  const account = await recentFailures(db, eq(auditEvents.actor, attempt.email), accountSince, ACCOUNT_FAILURE_LIMIT)
  if (account.length >= ACCOUNT_FAILURE_LIMIT) return refusal('account', account, now)
  if (attempt.ip) {
    const address = await recentFailures(db, eq(auditEvents.ip, attempt.ip), windowStart, ADDRESS_FAILURE_LIMIT)
    if (address.length >= ADDRESS_FAILURE_LIMIT) return refusal('address', address, now)
  }
  return { allowed: true }
}

/** The newest `limit` counted failures matching `who` since `since`, newest first. */
async function recentFailures(db: AppStore, who: ReturnType<typeof eq>, since: Date, limit: number): Promise<Date[]> {
  const rows = await db
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.action, 'sign_in_failed'),
        gt(auditEvents.at, since),
        who,
        or(isNull(auditEvents.detail), sql`coalesce(${auditEvents.detail}->>'reason', '') <> ${RATE_LIMITED}`),
      ),
    )
    .orderBy(desc(auditEvents.at))
    .limit(limit)
  return rows.map((r) => r.at)
}

// Allowed again once the limit-th newest failure has left the window.
function refusal(limit: 'account' | 'address', newestFirst: Date[], now: Date): SignInAllowance {
  const leaves = newestFirst[newestFirst.length - 1].getTime() + SIGN_IN_WINDOW_SECONDS * 1000
  return { allowed: false, limit, retryAfterSeconds: Math.max(1, Math.ceil((leaves - now.getTime()) / 1000)) }
}
