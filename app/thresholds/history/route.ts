import { currentActor } from '@/lib/auth/current'
import { csvStream } from '@/lib/populations/csv'
import { thresholdChanges, type ThresholdChange } from '@/lib/thresholds/change'

export const dynamic = 'force-dynamic'

const COLUMNS = ['version', 'changed_at', 'changed_by', 'key', 'old_value', 'new_value', 'reason'] as const

/** Every threshold change as CSV, oldest first: the change-control evidence (who, when, old → new, why). */
export async function GET(request: Request) {
  const actor = await currentActor('reports:read', request)
  const changes = await thresholdChanges(actor, 'oldest')
  return new Response(csvStream(COLUMNS, rows(changes)), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="custody-threshold-changes.csv"',
      'Cache-Control': 'no-store',
    },
  })
}

async function* rows(changes: ThresholdChange[]) {
  for (const c of changes) {
    yield { version: c.version, changed_at: c.changedAt, changed_by: c.changedBy, key: c.key, old_value: JSON.stringify(c.old), new_value: JSON.stringify(c.new), reason: c.reason }
  }
}
