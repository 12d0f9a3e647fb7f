import CredentialsProvider from 'next-auth/providers/credentials'
import { z } from 'zod'
import type { AppStore } from '@/db'
import { CREDENTIALS_PROVIDER_ID, SIGN_IN_ERRORS, signInWithPassword } from './password-sign-in'
import { requestOrigin } from './request'

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(320),
  password: z.string().min(1).max(1024),
})

/** Local accounts: e-mail and password, throttled per account, per address and per both (lib/auth/sign-in-limits.ts). */
export function credentialsProvider(db: AppStore) {
  return CredentialsProvider({
    id: CREDENTIALS_PROVIDER_ID,
    name: 'Local account',
    credentials: { email: { label: 'E-mail', type: 'email' }, password: { label: 'Password', type: 'password' } },
    async authorize(raw) {
      const parsed = credentialsSchema.safeParse(raw)
      if (!parsed.success) return null
      const result = await signInWithPassword(db, parsed.data, await requestOrigin())
      switch (result.outcome) {
        case 'signed_in':
          return result.user
        case 'rate_limited':
          throw new Error(SIGN_IN_ERRORS.rateLimited)
        case 'disabled':
          throw new Error(SIGN_IN_ERRORS.disabled)
        case 'wrong_credentials':
          return null
      }
    },
  })
}
