import { bigserial, doublePrecision, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * Thresholds security staff have changed. A key absent here is at its default
 * (metrics.md, Default thresholds); reports say which values were in force.
 * Values are JSON because some are per credential type (`max_age_days`).
 */
export const thresholds = pgTable('thresholds', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
})

/** Every threshold change, for the auditor's population of threshold changes. */
export const thresholdHistory = pgTable(
  'threshold_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    oldValue: jsonb('old_value').$type<unknown>(),
    newValue: jsonb('new_value').$type<unknown>().notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: at('changed_at').notNull().defaultNow(),
  },
  (t) => [index('threshold_history_key_changed_at').on(t.key, t.changedAt)],
)

/** A threshold crossed: `value` is the measured number that crossed it. */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    thresholdKey: text('threshold_key').notNull(),
    value: doublePrecision('value').notNull(),
    openedAt: at('opened_at').notNull().defaultNow(),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: at('acknowledged_at'),
  },
  (t) => [index('alerts_opened_at').on(t.openedAt)],
)
