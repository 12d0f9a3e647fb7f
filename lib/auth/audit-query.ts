import { and, count, desc, eq, gt, gte, lt, lte, max, type SQL } from 'drizzle-orm'
import { openAppStore, type AppStore } from '@/db'
import { auditEvents, type AuditAction } from '@/db/schema'
import { requirePermission, type Actor } from './actor'
import { recordAudit } from './audit-trail'

export type AuditEvent = {
  id: number
  at: Date
  actor: string
  action: AuditAction
  target: string | null
  detail: Record<string, unknown> | null
  ip: string | null
  userAgent: string | null
}

export const AUDIT_PAGE_SIZE = 50

export type AuditFilter = { action?: AuditAction; from?: Date; to?: Date }

/** One page of the dashboard's own audit trail, newest first. */
export async function auditTrailPage(
  actor: Actor,
  filter: AuditFilter,
  page: number,
): Promise<{ events: AuditEvent[]; total: number; page: number; pages: number }> {
  requirePermission(actor, 'audit:read')
  const db = await openAppStore()
  const where = whereOf(filter)
  const [{ total }] = await db.select({ total: count() }).from(auditEvents).where(where)
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE))
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages)
  const events = await db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE)
    .offset((current - 1) * AUDIT_PAGE_SIZE)
  return { events, total, page: current, pages }
}

/** Rows an export reads per query: memory stays bounded whatever the population. */
export const EXPORT_PAGE_ROWS = 1000

export type AuditExport = { rows: number; events: AsyncGenerator<AuditEvent> }

/**
 * The whole filtered population, oldest first, for an auditor's evidence file, read
 * page by page as it is written out. The export is recorded first, with the number
 * of rows, in the same transaction that fixes the population: the filtered rows up
 * to the newest id that transaction saw. The table is append-only, so rows written
 * after it cannot change that population.
 */
export async function exportAuditPopulation(actor: Actor, filter: AuditFilter): Promise<AuditExport> {
  requirePermission(actor, 'evidence:export')
  const db = await openAppStore()
  const population = await db.transaction(async (tx) => {
    const [{ rows, throughId }] = await tx.select({ rows: count(), throughId: max(auditEvents.id) }).from(auditEvents).where(whereOf(filter))
    await recordAudit(tx, actor, {
      action: 'export',
      target: 'audit_events',
      detail: { rows, action: filter.action ?? null, from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null },
    })
    return { rows, throughId: throughId ?? 0 }
  })
  return { rows: population.rows, events: auditPages(db, filter, population.throughId) }
}

async function* auditPages(db: AppStore, filter: AuditFilter, throughId: number): AsyncGenerator<AuditEvent> {
  for (let after = 0; ; ) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(and(whereOf(filter), gt(auditEvents.id, after), lte(auditEvents.id, throughId)))
      .orderBy(auditEvents.id)
      .limit(EXPORT_PAGE_ROWS)
    yield* page
    if (page.length < EXPORT_PAGE_ROWS) return
    after = page[page.length - 1].id
  }
}

function whereOf(filter: AuditFilter): SQL | undefined {
  return and(
    filter.action ? eq(auditEvents.action, filter.action) : undefined,
    filter.from ? gte(auditEvents.at, filter.from) : undefined,
    filter.to ? lt(auditEvents.at, filter.to) : undefined,
  )
}
