import { sql } from 'drizzle-orm'
import { check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** Named service accounts (identity `svc:<name>`); one without an owner is ownerless. */
export const serviceAccounts = pgTable('service_accounts', {
  name: text('name').primaryKey(),
  ownerEmail: text('owner_email'),
  description: text('description'),
  createdAt: at('created_at').notNull().defaultNow(),
  retiredAt: at('retired_at'),
})

/**
 * Bearer tokens for the ingest API (intake.md). Only the SHA-256 of a token is stored (metrics.md, Secrets).
 * A token is valid until `expiresAt` (null: never) unless revoked. Rotation makes a new row that
 * `replaces` the old one and moves the old one's `expiresAt` to the end of the grace period.
 */
export const ingestTokens = pgTable(
  'ingest_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** Lower-case hex SHA-256 of the raw token, without the `sha256:` prefix. */
    tokenSha256: text('token_sha256').notNull().unique(),
    scope: text('scope').notNull().default('ingest'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    revokedAt: at('revoked_at'),
    lastUsedAt: at('last_used_at'),
    /** The sources it may post; null: every source. */
    sources: text('sources').array(),
    expiresAt: at('expires_at'),
    replaces: uuid('replaces').references((): AnyPgColumn => ingestTokens.id),
  },
  (t) => [check('ingest_tokens_sha256_hex', sql`${t.tokenSha256} ~ '^[0-9a-f]{64}$'`)],
)
