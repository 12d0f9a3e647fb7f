import { sql } from 'drizzle-orm'
import { bigserial, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * Thresholds security staff have changed, by top-level key of the settings document
 * (lib/thresholds/settings.ts). A key absent here is at its default (metrics.md, Default
 * thresholds); reports say which values and which version were in force.
 */
export const thresholds = pgTable('thresholds', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
})

/**
 * Every threshold change, one row per value changed (`key` is its dotted path, e.g.
 * `max_age_days.pat`): the change-control evidence. The rows of one change share its
 * `version` (1, 2, …; 0 is the defaults) and its required `reason`.
 */
export const thresholdHistory = pgTable(
  'threshold_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    version: integer('version').notNull(),
    key: text('key').notNull(),
    oldValue: jsonb('old_value').$type<unknown>(),
    newValue: jsonb('new_value').$type<unknown>().notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: at('changed_at').notNull().defaultNow(),
    reason: text('reason').notNull(),
  },
  (t) => [index('threshold_history_key_changed_at').on(t.key, t.changedAt), uniqueIndex('threshold_history_version_key').on(t.version, t.key)],
)

/**
 * An alert: one rule (lib/alerts/rules.ts) broken for one subject. At most one alert per rule
 * and subject is open (firing or acknowledged); once resolved, a new breach opens a new one.
 * `since` is when the data first showed the breach, `opened_at` when Custody raised it.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rule: text('rule').notNull(),
    subject: text('subject').notNull(),
    state: text('state').$type<'firing' | 'acknowledged' | 'resolved'>().notNull(),
    value: doublePrecision('value').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    since: at('since').notNull(),
    link: text('link').notNull(),
    openedAt: at('opened_at').notNull().defaultNow(),
    evaluatedAt: at('evaluated_at').notNull().defaultNow(),
    resolvedAt: at('resolved_at'),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: at('acknowledged_at'),
  },
  (t) => [
    uniqueIndex('alerts_open_rule_subject').on(t.rule, t.subject).where(sql`state <> 'resolved'`),
    index('alerts_opened_at').on(t.openedAt),
  ],
)

/** What happened to each alert: raised, acknowledged (by whom, with the comment), resolved. */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    at: at('at').notNull().defaultNow(),
    change: text('change').$type<'fired' | 'acknowledged' | 'resolved'>().notNull(),
    value: doublePrecision('value'),
    actor: text('actor').notNull(),
    comment: text('comment'),
  },
  (t) => [index('alert_events_alert_at').on(t.alertId, t.at)],
)

/**
 * What the latest evaluation of the alert rules read (lib/alerts/evaluate.ts): the stored
 * attribution's watermarks and the thresholds version. One row, written with the alerts' new
 * states; an evaluation after an ingest that finds the same inputs would repeat it, and skips.
 */
export const alertEvaluationInputs = pgTable('alert_evaluation_inputs', {
  scope: text('scope').primaryKey(),
  inputs: text('inputs').notNull(),
  evaluatedAt: at('evaluated_at').notNull(),
})
