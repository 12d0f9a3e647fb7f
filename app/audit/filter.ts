import { z } from 'zod'
import { auditActions } from '@/db/schema'
import type { AuditFilter } from '@/lib/auth/audit-query'

const filterSchema = z.object({
  action: z.enum(auditActions).optional().catch(undefined),
  from: z.iso.datetime().transform((t) => new Date(t)).optional(),
  to: z.iso.datetime().transform((t) => new Date(t)).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
})

/** The audit trail's filter from a query string; an unknown action means no filter. */
export function parseAuditQuery(params: URLSearchParams): { filter: AuditFilter; page: number } | { error: string } {
  const parsed = filterSchema.safeParse(Object.fromEntries([...params].filter(([, v]) => v !== '')))
  if (!parsed.success) return { error: 'from and to must be ISO 8601 times, e.g. 2026-10-01T00:00:00Z' }
  const { page, ...filter } = parsed.data
  return { filter, page }
}
