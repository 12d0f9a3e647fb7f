import { count, desc } from 'drizzle-orm'
import { openAppStore } from '@/db'
import { evidenceExports } from '@/db/schema'
import { requirePermission, type Actor } from '@/lib/auth/actor'

/** One pack handed out: who, when, which control and period, and the SHA-256 an auditor's copy must match. */
export type ExportRecord = {
  id: string
  control: string
  from: Date
  to: Date
  generatedAt: Date | null
  fileName: string | null
  sha256: string
  keyFingerprint: string | null
  createdBy: string
  createdAt: Date
}

export const EXPORT_HISTORY_PAGE_SIZE = 20

/** One page of the evidence exports, newest first (the Evidence page's history; the audit trail has the same rows as `export`). */
export async function exportHistoryPage(actor: Actor, page: number): Promise<{ exports: ExportRecord[]; total: number; page: number; pages: number }> {
  requirePermission(actor, 'audit:read')
  const db = await openAppStore()
  const [{ total }] = await db.select({ total: count() }).from(evidenceExports)
  const pages = Math.max(1, Math.ceil(total / EXPORT_HISTORY_PAGE_SIZE))
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages)
  const rows = await db
    .select()
    .from(evidenceExports)
    .orderBy(desc(evidenceExports.createdAt), desc(evidenceExports.id))
    .limit(EXPORT_HISTORY_PAGE_SIZE)
    .offset((current - 1) * EXPORT_HISTORY_PAGE_SIZE)
  const exports = rows.map((r) => ({
    id: r.id,
    control: r.control,
    from: r.periodFrom,
    to: r.periodTo,
    generatedAt: r.generatedAt,
    fileName: r.fileName,
    sha256: r.fileSha256,
    keyFingerprint: r.keyFingerprint,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  }))
  return { exports, total, page: current, pages }
}
