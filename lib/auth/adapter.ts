import { DrizzleAdapter } from '@auth/drizzle-adapter'
import type { Adapter, AdapterAccount, AdapterUser } from 'next-auth/adapters'
import type { AppStore } from '@/db'
import { accounts, sessions, users, verificationTokens } from '@/db/schema'

/**
 * The drizzle adapter on Custody's tables (it creates a user on a first SSO sign-in
 * and links the IdP account), with two changes: e-mails are lower-cased, as the
 * users table requires, and no IdP tokens are kept: Custody only needs to know who
 * signed in, so a leaked database leaks no access tokens.
 */
type Base = {
  createUser: (user: Omit<AdapterUser, 'id'>) => Promise<AdapterUser>
  getUserByEmail: (email: string) => Promise<AdapterUser | null>
  linkAccount: (account: AdapterAccount) => Promise<void>
}

export function custodyAdapter(db: AppStore): Adapter {
  // @auth/drizzle-adapter is typed for @auth/core; next-auth v4's Adapter has the same shape.
  const base = DrizzleAdapter(db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  } as never) as unknown as Adapter & Base
  return {
    ...base,
    createUser: (user: Omit<AdapterUser, 'id'>) => base.createUser({ ...user, email: user.email.trim().toLowerCase() }),
    getUserByEmail: (email: string) => base.getUserByEmail(email.trim().toLowerCase()),
    linkAccount: (account: AdapterAccount) =>
      base.linkAccount({
        userId: account.userId,
        type: account.type,
        provider: account.provider,
        providerAccountId: account.providerAccountId,
      }),
  }
}
