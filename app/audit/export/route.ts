import { exportAuditPopulation, type AuditEvent } from '@/lib/auth/audit-query'
import { currentActor } from '@/lib/auth/current'
import { parseAuditQuery } from '../filter'

export const dynamic = 'force-dynamic'

const COLUMNS = ['id', 'at', 'actor', 'action', 'target', 'ip', 'user_agent', 'detail'] as const

/** The audit trail (optionally one action, one period [from, to)) as a CSV population. */
export async function GET(request: Request) {
  const actor = await currentActor('evidence:export', request)
  const query = parseAuditQuery(new URL(request.url).searchParams)
  if ('error' in query) return Response.json({ error: query.error }, { status: 400 })
  const events = await exportAuditPopulation(actor, query.filter)
  const body = [COLUMNS.join(','), ...events.map(csvLine)].join('\r\n') + '\r\n'
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="custody-audit-events-${stamp}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}

function csvLine(e: AuditEvent): string {
  const cells = [String(e.id), e.at.toISOString(), e.actor, e.action, e.target, e.ip, e.userAgent, e.detail ? JSON.stringify(e.detail) : null]
  return cells.map(csvCell).join(',')
}

// A cell a spreadsheet would run as a formula (a crafted e-mail in a failed sign-in) gets a leading quote.
function csvCell(value: string | null): string {
  if (value === null) return ''
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
