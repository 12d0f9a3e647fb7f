import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const destinationKinds = ['webhook', 'slack', 'email'] as const
export type DestinationKind = (typeof destinationKinds)[number]

/**
 * Where alert notifications go. `settings` holds what may be shown again (a webhook's URL, an SMTP
 * host, port, TLS mode, user, from and to); `sealedSecret` what may not (the HMAC secret, the whole
 * Slack URL, the SMTP password), sealed by lib/store/sealed-secrets.ts, and `secretHint` its last
 * 4 characters. A deleted destination keeps its row (its delivery log is evidence) but loses its secret.
 */
export const notificationDestinations = pgTable('notification_destinations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind').$type<DestinationKind>().notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  sealedSecret: text('sealed_secret'),
  secretHint: text('secret_hint'),
  enabled: boolean('enabled').notNull().default(true),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  deletedAt: at('deleted_at'),
})

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

/**
 * One notification to one destination: the queue the worker drains, durable across restarts.
 * `claimedUntil` is a lease, so two workers (the server's schedule and a CLI run) never send it twice at once.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    destinationId: uuid('destination_id')
      .notNull()
      .references(() => notificationDestinations.id),
    /** The alert as notified (lib/notifications/alert.ts), or a test message. */
    alert: jsonb('alert').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull().defaultNow(),
    claimedUntil: at('claimed_until'),
    createdAt: at('created_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [index('notification_deliveries_due').on(t.status, t.nextAttemptAt), index('notification_deliveries_destination').on(t.destinationId, t.createdAt)],
)

/** The delivery log: every attempt, its HTTP status or error, and how long it took. */
export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => notificationDeliveries.id),
    attempt: integer('attempt').notNull(),
    at: at('at').notNull().defaultNow(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('notification_attempts_delivery').on(t.deliveryId, t.attempt)],
)
