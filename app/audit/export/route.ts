import { Readable } from 'node:stream'
import { auditCsv } from '@/lib/auth/audit-csv'
import { exportAuditPopulation } from '@/lib/auth/audit-query'
import { currentActor } from '@/lib/auth/current'
import { parseAuditQuery } from '../filter'

export const dynamic = 'force-dynamic'

/**
 * The audit trail (optionally one action, one period [from, to)) as a CSV population,
 * streamed. A POST, because exporting is recorded: the guard refuses it cross-site.
 */
export async function POST(request: Request) {
  const actor = await currentActor('evidence:export', request)
  const form = await request.formData().catch(() => new FormData())
  const fields = [...form].flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))
  const query = parseAuditQuery(new URLSearchParams(fields))
  if ('error' in query) return Response.json({ error: query.error }, { status: 400 })
  const population = await exportAuditPopulation(actor, query.filter)
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  return new Response(Readable.toWeb(auditCsv(population.events)) as ReadableStream<Uint8Array>, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="custody-audit-events-${stamp}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}
