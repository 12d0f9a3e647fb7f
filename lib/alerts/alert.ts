import { z } from 'zod'
import { RULE_IDS } from './rules'

export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/**
 * One alert, as `alerts run --json` prints it: a rule broken for one subject (an identity, a
 * credential, a source, or `all` for the ratio). `value` is what the data shows, `threshold` what
 * it was held to, `since` when the data first showed it (for a backfill, the old event's time),
 * `link` the dashboard page and filter that lists the evidence.
 */
export const alertSchema = z.object({
  id: z.uuid(),
  rule: z.enum(RULE_IDS),
  state: z.enum(ALERT_STATES),
  subject: z.string(),
  value: z.number(),
  threshold: z.number(),
  since: z.iso.datetime(),
  link: z.string().startsWith('/'),
})
export type Alert = z.infer<typeof alertSchema>

/** `alerts run --json`: every alert not resolved after the evaluation. */
export const alertRunSchema = z.object({ evaluated_at: z.iso.datetime(), alerts: z.array(alertSchema) })
export type AlertRun = z.infer<typeof alertRunSchema>

/** What one evaluation changed, for notifications: alerts that started firing and alerts that resolved. */
export type AlertChanges = { evaluated_at: string; fired: Alert[]; resolved: Alert[] }
