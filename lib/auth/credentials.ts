import CredentialsProvider from 'next-auth/providers/credentials'
import { z } from 'zod'
import type { AppStore } from '@/db'
import { findUserByEmail } from '@/lib/users'
import { hashPassword, verifyPassword } from './password'
import { recordAudit } from './audit-trail'
import { RATE_LIMITED, signInAllowance } from './rate-limit'
import { requestOrigin } from './request'

export const CREDENTIALS_PROVIDER_ID = 'credentials'

/** Error codes the sign-in page explains (next-auth passes a thrown message through as `?error=`). */
export const SIGN_IN_ERRORS = {
  rateLimited: 'RateLimited',
  disabled: 'AccountDisabled',
} as const

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(320),
  password: z.string().min(1).max(1024),
})

// Unknown accounts still cost one scrypt, so response time does not reveal which e-mails exist.
let decoyHash: Promise<string> | undefined

/** Local accounts: e-mail and password, throttled per account and per address. */
export function credentialsProvider(db: AppStore) {
  return CredentialsProvider({
    id: CREDENTIALS_PROVIDER_ID,
    name: 'Local account',
    credentials: { email: { label: 'E-mail', type: 'email' }, password: { label: 'Password', type: 'password' } },
    async authorize(raw) {
      const parsed = credentialsSchema.safeParse(raw)
      if (!parsed.success) return null
      const { email, password } = parsed.data
      const claimant = { claimed: email, origin: await requestOrigin() }
      const fail = (reason: string, detail: Record<string, unknown> = {}) =>
        recordAudit(db, claimant, { action: 'sign_in_failed', target: email, detail: { provider: CREDENTIALS_PROVIDER_ID, reason, ...detail } })

      const allowance = await signInAllowance(db, { email, ip: claimant.origin.ip })
      if (!allowance.allowed) {
        await fail(RATE_LIMITED, { limit: allowance.limit, retry_after_seconds: allowance.retryAfterSeconds })
        throw new Error(SIGN_IN_ERRORS.rateLimited)
      }
      const account = await findUserByEmail(db, email)
      const matches = await verifyPassword(password, account?.passwordHash ?? (await (decoyHash ??= hashPassword('decoy'))))
      if (!account || !account.passwordHash || !matches) {
        await fail(!account ? 'unknown_account' : !account.passwordHash ? 'no_local_password' : 'wrong_password')
        return null
      }
      if (account.disabledAt) {
        await fail('disabled')
        throw new Error(SIGN_IN_ERRORS.disabled)
      }
      return { id: account.id, email: account.email, name: account.name }
    },
  })
}
