import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm'
import { openAppStore } from '@/db'
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

/**
 * The whole filtered population, oldest first, for an auditor's evidence file.
 * Exporting is itself recorded, in the same transaction as the read.
 */
export async function exportAuditPopulation(actor: Actor, filter: AuditFilter): Promise<AuditEvent[]> {
  requirePermission(actor, 'evidence:export')
  const db = await openAppStore()
  return db.transaction(async (tx) => {
    const events = await tx.select().from(auditEvents).where(whereOf(filter)).orderBy(auditEvents.id)
    await recordAudit(tx, actor, {
      action: 'export',
      target: 'audit_events',
      detail: { rows: events.length, action: filter.action ?? null, from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null },
    })
    return events
  })
}

function whereOf(filter: AuditFilter): SQL | undefined {
  return and(
    filter.action ? eq(auditEvents.action, filter.action) : undefined,
    filter.from ? gte(auditEvents.at, filter.from) : undefined,
    filter.to ? lt(auditEvents.at, filter.to) : undefined,
  )
}
