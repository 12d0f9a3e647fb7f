import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import type { AppStore } from '@/db'
import { alertEvaluationInputs, alertEvents, alerts } from '@/db/schema'
import type { AppTx } from '@/lib/auth/audit-trail'
import type { Alert, AlertChanges } from './alert'
import type { Breach } from './breaches'
import type { RuleId } from './rules'

type AlertRow = typeof alerts.$inferSelect

/** The stored row as the alert shape of `alerts run --json`. */
export function alertOf(row: AlertRow): Alert {
  return {
    id: row.id,
    rule: row.rule as RuleId,
    state: row.state,
    subject: row.subject,
    value: row.value,
    threshold: row.threshold,
    since: row.since.toISOString(),
    link: row.link,
  }
}

/** Who the alert history names when Custody itself raised or resolved an alert. */
export const EVALUATION = 'custody:evaluation'

/**
 * Stores one evaluation: a breach with an open alert (firing or acknowledged) of the same rule
 * and subject updates it (dedup: one open alert per rule and subject, its state and `since`
 * kept); a new breach opens a firing alert; an open alert of an evaluated rule whose subject no
 * longer breaks it is resolved (a disabled rule resolves all of its alerts). A later breach of
 * a resolved one opens a new alert (re-fire). The table lock serializes evaluations of several
 * processes sharing one PostgreSQL.
 */
export async function recordEvaluation(db: AppStore, breaches: Record<RuleId, Breach[]>, evaluatedAt: Date, inputs: string): Promise<AlertChanges> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE ${alerts} IN EXCLUSIVE MODE`)
    const open = await tx.select().from(alerts).where(ne(alerts.state, 'resolved'))
    const openByKey = new Map(open.map((a) => [`${a.rule}\u0000${a.subject}`, a]))
    const fired: Alert[] = []
    for (const [rule, found] of Object.entries(breaches) as [RuleId, Breach[]][]) {
      for (const breach of found) {
        const key = `${rule}\u0000${breach.subject}`
        const existing = openByKey.get(key)
        if (existing) {
          openByKey.delete(key)
          await tx.update(alerts).set({ value: breach.value, threshold: breach.threshold, link: breach.link, evaluatedAt }).where(eq(alerts.id, existing.id))
        } else {
          fired.push(await openAlert(tx, rule, breach, evaluatedAt))
        }
      }
    }
    const resolved = await resolveAlerts(tx, [...openByKey.values()], evaluatedAt)
    await tx
      .insert(alertEvaluationInputs)
      .values({ scope: RULES_SCOPE, inputs, evaluatedAt })
      .onConflictDoUpdate({ target: alertEvaluationInputs.scope, set: { inputs, evaluatedAt } })
    return { evaluated_at: evaluatedAt.toISOString(), fired, resolved }
  })
}

const RULES_SCOPE = 'rules'

/** What the latest stored evaluation read (`inputs`, see evaluate.ts ruleInputs) and when; null before the first. */
export async function lastEvaluation(db: AppStore): Promise<{ inputs: string; evaluatedAt: Date } | null> {
  const [row] = await db.select().from(alertEvaluationInputs).where(eq(alertEvaluationInputs.scope, RULES_SCOPE))
  return row ?? null
}

async function openAlert(tx: AppTx, rule: RuleId, breach: Breach, evaluatedAt: Date): Promise<Alert> {
  const [row] = await tx
    .insert(alerts)
    .values({ rule, subject: breach.subject, state: 'firing', value: breach.value, threshold: breach.threshold, since: breach.since, link: breach.link, openedAt: evaluatedAt, evaluatedAt })
    .returning()
  await tx.insert(alertEvents).values({ alertId: row.id, at: evaluatedAt, change: 'fired', value: breach.value, actor: EVALUATION })
  return alertOf(row)
}

async function resolveAlerts(tx: AppTx, gone: AlertRow[], evaluatedAt: Date): Promise<Alert[]> {
  if (gone.length === 0) return []
  const ids = gone.map((a) => a.id)
  const rows = await tx.update(alerts).set({ state: 'resolved', resolvedAt: evaluatedAt, evaluatedAt }).where(and(inArray(alerts.id, ids), ne(alerts.state, 'resolved'))).returning()
  await tx.insert(alertEvents).values(rows.map((r) => ({ alertId: r.id, at: evaluatedAt, change: 'resolved' as const, actor: EVALUATION })))
  return rows.map(alertOf)
}

/** Every alert not resolved, most urgent rule first, then oldest first. */
export async function unresolvedAlerts(db: AppStore): Promise<Alert[]> {
  const rows = await db.select().from(alerts).where(ne(alerts.state, 'resolved')).orderBy(alerts.since, alerts.rule, alerts.subject)
  return rows.map(alertOf)
}
