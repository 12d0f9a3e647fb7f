import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Sign-in attempt counters (lib/auth/sign-in-limits.ts), kept by rate-limiter-flexible's
 * drizzle store: one row per limiter key, changed by one atomic upsert per attempt, so
 * parallel attempts and several dashboard processes on one PostgreSQL count exactly.
 * The store deletes rows an hour after they expire, by `expire`.
 */
export const signInLimits = pgTable(
  'sign_in_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull(),
    expire: timestamp('expire', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('sign_in_limits_expire').on(t.expire)],
)
