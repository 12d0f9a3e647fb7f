import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

export const auditActions = [
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'access_denied',
  'view_person',
  'export',
  'threshold_change',
  'alert_acknowledge',
  'role_change',
  'user_invite',
  'user_disable',
  'user_enable',
  'password_set',
  'ingest_token_change',
  'ingest_token_use',
  'sample_draw',
  'signing_key_rotate',
] as const
export type AuditAction = (typeof auditActions)[number]

/**
 * What people did in Custody itself. Append-only: migration 0001 adds triggers that
 * refuse UPDATE, DELETE and TRUNCATE. `action` is text in the database so a new
 * action needs no migration; the union above keeps writers to the known vocabulary.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** The user's id or e-mail; for a failed sign-in, the e-mail that was tried. */
    actor: text('actor').notNull(),
    action: text('action').$type<AuditAction>().notNull(),
    target: text('target'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('audit_events_at').on(t.at), index('audit_events_action_at').on(t.action, t.at)],
)
