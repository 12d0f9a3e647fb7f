import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { openAppStore } from '@/db'
import { alertEvents, alerts } from '@/db/schema'
import { actorLabel, requirePermission, type Actor } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import { parseParams, type SearchParams } from '@/lib/reports/search-params'
import { ALERT_STATES, type Alert } from './alert'
import { RULE_IDS, RULES, SEVERITIES, type RuleId, type Severity } from './rules'
import { alertOf } from './state'

/** The alerts page's filters (query parameters, so a filtered view is a link). */
export const alertFiltersSchema = z.object({
  state: z.enum(ALERT_STATES, { message: `state must be one of ${ALERT_STATES.join(', ')}` }).optional(),
  rule: z.enum(RULE_IDS, { message: `rule must be one of ${RULE_IDS.join(', ')}` }).optional(),
  severity: z.enum(SEVERITIES, { message: `severity must be one of ${SEVERITIES.join(', ')}` }).optional(),
})
export type AlertFilters = z.infer<typeof alertFiltersSchema>

/** Filters from the page's query string; throws InvalidParameter naming the bad one. */
export function parseAlertFilters(params: SearchParams): AlertFilters {
  return parseParams(alertFiltersSchema, params)
}

export type AlertEvent = { at: Date; change: 'fired' | 'acknowledged' | 'resolved'; value: number | null; actor: string; comment: string | null }
export type AlertView = Alert & { severity: Severity; openedAt: Date; resolvedAt: Date | null; acknowledgedBy: string | null; history: AlertEvent[] }

/** At most this many alerts a page: the newest raised. */
const SHOWN = 500

/** Alerts matching the filters, open ones first, then the newest raised, each with its history. */
export async function alertList(actor: Actor, filters: AlertFilters): Promise<AlertView[]> {
  requirePermission(actor, 'overview:read')
  const db = await openAppStore()
  const where: SQL[] = []
  if (filters.state) where.push(eq(alerts.state, filters.state))
  const rules = RULE_IDS.filter((r) => (!filters.rule || r === filters.rule) && (!filters.severity || RULES[r].severity === filters.severity))
  where.push(inArray(alerts.rule, rules))
  const rows = await db
    .select()
    .from(alerts)
    .where(and(...where))
    .orderBy(asc(alerts.resolvedAt), desc(alerts.openedAt), asc(alerts.subject))
    .limit(SHOWN)
  const events = rows.length === 0 ? [] : await db.select().from(alertEvents).where(inArray(alertEvents.alertId, rows.map((r) => r.id))).orderBy(asc(alertEvents.at), asc(alertEvents.id))
  return rows.map((row) => ({
    ...alertOf(row),
    severity: RULES[row.rule as RuleId].severity,
    openedAt: row.openedAt,
    resolvedAt: row.resolvedAt,
    acknowledgedBy: row.acknowledgedBy,
    history: events.filter((e) => e.alertId === row.id).map(({ at, change, value, actor: by, comment }) => ({ at, change, value, actor: by, comment })),
  }))
}

/** An acknowledgement the rules refuse: its message says why. */
export class AcknowledgementRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AcknowledgementRefused'
  }
}

export const acknowledgementSchema = z.object({
  id: z.uuid({ message: 'unknown alert' }),
  comment: z.string({ message: 'a comment is required' }).trim().min(1, 'a comment is required').max(2000, 'the comment may be at most 2000 characters'),
})

/**
 * Acknowledges a firing alert: someone has seen it and says what is done about it. The alert
 * stays open (acknowledged) until its data clears; its history and the audit trail record who,
 * when and the comment, in one transaction.
 */
export async function acknowledgeAlert(actor: Actor, input: { id: string; comment: string }): Promise<Alert> {
  requirePermission(actor, 'alerts:acknowledge')
  const parsed = acknowledgementSchema.safeParse(input)
  if (!parsed.success) throw new AcknowledgementRefused(parsed.error.issues[0].message)
  const { id, comment } = parsed.data
  const db = await openAppStore()
  return db.transaction(async (tx) => {
    const by = actorLabel(actor)
    const now = new Date()
    const [row] = await tx
      .update(alerts)
      .set({ state: 'acknowledged', acknowledgedBy: by, acknowledgedAt: now })
      .where(and(eq(alerts.id, id), eq(alerts.state, 'firing')))
      .returning()
    if (!row) throw new AcknowledgementRefused('That alert is not firing: it was already acknowledged or has resolved.')
    await tx.insert(alertEvents).values({ alertId: id, at: now, change: 'acknowledged', value: row.value, actor: by, comment })
    await recordAudit(tx, actor, { action: 'alert_acknowledge', target: `${row.rule} ${row.subject}`, detail: { alert: id, rule: row.rule, subject: row.subject, comment } })
    return alertOf(row)
  })
}
