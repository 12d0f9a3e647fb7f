import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import { vacuumIfEmbedded, type AppStore } from '@/db'
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
 * processes sharing one PostgreSQL. Rows are written a chunk per statement, not one by one: a
 * tenant's keys can keep thousands of alerts open, and every ingest re-evaluates them.
 */
export async function recordEvaluation(db: AppStore, breaches: Record<RuleId, Breach[]>, evaluatedAt: Date, inputs: string): Promise<AlertChanges> {
  const changes = await storeEvaluation(db, breaches, evaluatedAt, inputs)
  await vacuumIfEmbedded(db, [alerts, alertEvaluationInputs]) // each evaluation rewrote every open alert
  return changes
}

function storeEvaluation(db: AppStore, breaches: Record<RuleId, Breach[]>, evaluatedAt: Date, inputs: string): Promise<AlertChanges> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE ${alerts} IN EXCLUSIVE MODE`)
    const open = await tx.select().from(alerts).where(ne(alerts.state, 'resolved'))
    const openByKey = new Map(open.map((a) => [alertKey(a.rule, a.subject), a]))
    const kept: { id: string; breach: Breach }[] = []
    const opened: { rule: RuleId; breach: Breach }[] = []
    for (const [rule, found] of Object.entries(breaches) as [RuleId, Breach[]][]) {
      for (const breach of found) {
        const key = alertKey(rule, breach.subject)
        const existing = openByKey.get(key)
        if (existing) kept.push({ id: existing.id, breach })
        else opened.push({ rule, breach })
        openByKey.delete(key)
      }
    }
    for (const chunk of chunksOf(kept)) await refreshAlerts(tx, chunk, evaluatedAt)
    const fired: Alert[] = []
    for (const chunk of chunksOf(opened)) fired.push(...(await openAlerts(tx, chunk, evaluatedAt)))
    const resolved = await resolveAlerts(tx, [...openByKey.values()], evaluatedAt)
    await tx
      .insert(alertEvaluationInputs)
      .values({ scope: RULES_SCOPE, inputs, evaluatedAt })
      .onConflictDoUpdate({ target: alertEvaluationInputs.scope, set: { inputs, evaluatedAt } })
    return { evaluated_at: evaluatedAt.toISOString(), fired, resolved }
  })
}

const alertKey = (rule: string, subject: string) => `${rule}\u0000${subject}`

// rows per statement: well under PostgreSQL's 65,535 bound parameters at 9 a row
const CHUNK_ROWS = 1000

function chunksOf<T>(rows: T[]): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) chunks.push(rows.slice(i, i + CHUNK_ROWS))
  return chunks
}

/** An open alert still breached: its value, threshold and link as found now; state and `since` kept. */
async function refreshAlerts(tx: AppTx, kept: { id: string; breach: Breach }[], evaluatedAt: Date): Promise<void> {
  const found = sql.join(
    kept.map(({ id, breach: b }) => sql`(${id}::uuid, ${b.value}::double precision, ${b.threshold}::double precision, ${b.link}::text)`),
    sql`, `,
  )
  await tx.execute(sql`
    UPDATE ${alerts} SET value = found.value, threshold = found.threshold, link = found.link, evaluated_at = ${evaluatedAt.toISOString()}::timestamptz
    FROM (VALUES ${found}) AS found (id, value, threshold, link)
    WHERE ${alerts.id} = found.id`)
}

/** New firing alerts with their `fired` events, answered in the order of the breaches. */
async function openAlerts(tx: AppTx, opened: { rule: RuleId; breach: Breach }[], evaluatedAt: Date): Promise<Alert[]> {
  const rows = await tx
    .insert(alerts)
    .values(opened.map(({ rule, breach: b }) => ({ rule, subject: b.subject, state: 'firing' as const, value: b.value, threshold: b.threshold, since: b.since, link: b.link, openedAt: evaluatedAt, evaluatedAt })))
    .returning()
  const byKey = new Map(rows.map((r) => [alertKey(r.rule, r.subject), r]))
  const inOrder = opened.map(({ rule, breach }) => byKey.get(alertKey(rule, breach.subject))!)
  await tx.insert(alertEvents).values(inOrder.map((r) => ({ alertId: r.id, at: evaluatedAt, change: 'fired' as const, value: r.value, actor: EVALUATION })))
  return inOrder.map(alertOf)
}

const RULES_SCOPE = 'rules'

/** What the latest stored evaluation read (`inputs`, see evaluate.ts ruleInputs) and when; null before the first. */
export async function lastEvaluation(db: AppStore): Promise<{ inputs: string; evaluatedAt: Date } | null> {
  const [row] = await db.select().from(alertEvaluationInputs).where(eq(alertEvaluationInputs.scope, RULES_SCOPE))
  return row ?? null
}

async function resolveAlerts(tx: AppTx, gone: AlertRow[], evaluatedAt: Date): Promise<Alert[]> {
  const resolved: Alert[] = []
  for (const chunk of chunksOf(gone)) {
    const ids = chunk.map((a) => a.id)
    const rows = await tx.update(alerts).set({ state: 'resolved', resolvedAt: evaluatedAt, evaluatedAt }).where(and(inArray(alerts.id, ids), ne(alerts.state, 'resolved'))).returning()
    if (rows.length > 0) await tx.insert(alertEvents).values(rows.map((r) => ({ alertId: r.id, at: evaluatedAt, change: 'resolved' as const, actor: EVALUATION })))
    resolved.push(...rows.map(alertOf))
  }
  return resolved
}

/** Every alert not resolved, most urgent rule first, then oldest first. */
export async function unresolvedAlerts(db: AppStore): Promise<Alert[]> {
  const rows = await db.select().from(alerts).where(ne(alerts.state, 'resolved')).orderBy(alerts.since, alerts.rule, alerts.subject)
  return rows.map(alertOf)
}
