import { eq } from 'drizzle-orm'
import type { AppStore } from '@/db'
import { users } from '@/db/schema'
import { findUserByEmail } from '@/lib/users'
import type { RequestOrigin } from './actor'
import { recordAudit } from './audit-trail'
import { hashPassword, needsRehash, verifyPassword } from './password'
import { SignInLimits } from './sign-in-limits'

export const CREDENTIALS_PROVIDER_ID = 'credentials'
export const RATE_LIMITED = 'rate_limited'

/** Error codes the sign-in page explains (next-auth passes a thrown message through as `?error=`). */
export const SIGN_IN_ERRORS = {
  rateLimited: 'RateLimited',
  disabled: 'AccountDisabled',
} as const

export type PasswordSignIn =
  | { outcome: 'signed_in'; user: { id: string; email: string; name: string | null } }
  | { outcome: 'wrong_credentials' }
  | { outcome: 'rate_limited'; retryAfterSeconds: number }
  | { outcome: 'disabled' }

const limitsByStore = new WeakMap<AppStore, SignInLimits>()

/** The store's sign-in limits (one set per store: the counters live in it). */
export function signInLimitsOf(db: AppStore): SignInLimits {
  let limits = limitsByStore.get(db)
  if (!limits) limitsByStore.set(db, (limits = new SignInLimits(db)))
  return limits
}

// Unknown accounts still cost one scrypt, so response time does not reveal which e-mails exist.
let decoyHash: Promise<string> | undefined

/**
 * A local-account sign-in. The attempt is taken from the limits before the password
 * is hashed; every attempt that reaches the hash and fails writes one audit row, and
 * a refusal writes one row per delay, so anonymous traffic writes no more than the
 * limits let through.
 */
export async function signInWithPassword(
  db: AppStore,
  credentials: { email: string; password: string },
  origin: RequestOrigin,
  limits: SignInLimits = signInLimitsOf(db),
): Promise<PasswordSignIn> {
  const { email, password } = credentials
  const fail = (reason: string, detail: Record<string, unknown> = {}) =>
    recordAudit(db, { claimed: email, origin }, { action: 'sign_in_failed', target: email, detail: { provider: CREDENTIALS_PROVIDER_ID, reason, ...detail } })

  const turn = await limits.take({ email, ip: origin.ip })
  if (!turn.allowed) {
    if (turn.firstRefusal) await fail(RATE_LIMITED, { limit: turn.scope, retry_after_seconds: turn.retryAfterSeconds })
    return { outcome: 'rate_limited', retryAfterSeconds: turn.retryAfterSeconds }
  }
  const account = await findUserByEmail(db, email)
  const matches = await verifyPassword(password, account?.passwordHash ?? (await (decoyHash ??= hashPassword('decoy'))))
  if (!account || !account.passwordHash || !matches) {
    await fail(!account ? 'unknown_account' : !account.passwordHash ? 'no_local_password' : 'wrong_password')
    return { outcome: 'wrong_credentials' }
  }
  if (account.disabledAt) {
    await fail('disabled')
    return { outcome: 'disabled' }
  }
  await turn.succeeded()
  if (needsRehash(account.passwordHash)) {
    await db.update(users).set({ passwordHash: await hashPassword(password) }).where(eq(users.id, account.id))
  }
  return { outcome: 'signed_in', user: { id: account.id, email: account.email, name: account.name } }
}
