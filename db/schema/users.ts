import { sql } from 'drizzle-orm'
import { check, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

import { roles } from './roles'

export { roles, type Role } from './roles'
export const roleEnum = pgEnum('user_role', roles)

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * Custody's own users. Also Auth.js's user table: id, name, email, emailVerified and
 * image are the columns @auth/drizzle-adapter reads and writes. A user the adapter
 * creates on a first OIDC sign-in gets the least role, `auditor`.
 * E-mails are stored lower-cased (the identity key in metrics.md), so one person
 * cannot hold two accounts that differ only in case.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(),
    name: text('name'),
    emailVerified: at('email_verified'),
    image: text('image'),
    role: roleEnum('role').notNull().default('auditor'),
    /** `scrypt$N$r$p$salt$hash` (lib/auth/password.ts); null for accounts that sign in only through the IdP. */
    passwordHash: text('password_hash'),
    disabledAt: at('disabled_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at')
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [check('users_email_lower_case', sql`${t.email} = lower(${t.email})`)],
)

export const accounts = pgTable(
  'accounts',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    provider: text('provider').notNull(),
    providerAccountId: text('provider_account_id').notNull(),
    refresh_token: text('refresh_token'),
    access_token: text('access_token'),
    expires_at: integer('expires_at'),
    token_type: text('token_type'),
    scope: text('scope'),
    id_token: text('id_token'),
    session_state: text('session_state'),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
)

export const sessions = pgTable('sessions', {
  sessionToken: text('session_token').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expires: at('expires').notNull(),
})

export const verificationTokens = pgTable(
  'verification_tokens',
  {
    identifier: text('identifier').notNull(),
    token: text('token').notNull(),
    expires: at('expires').notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
)
