import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { AuditEvent } from './audit-query'

const COLUMNS = ['id', 'at', 'actor', 'action', 'target', 'ip', 'user_agent', 'detail'] as const

/**
 * The audit population as CSV, written as it is read: every cell quoted (a `;` or `,`
 * in an e-mail stays inside its cell in any spreadsheet's locale), CRLF line ends
 * (RFC 4180), and a cell a spreadsheet would run as a formula (a crafted e-mail in a
 * failed sign-in) prefixed with a quote.
 */
export function auditCsv(events: AsyncIterable<AuditEvent>): Readable {
  const csv = stringify({ header: true, columns: [...COLUMNS], quoted: true, quoted_empty: true, escape_formulas: true, record_delimiter: 'windows' })
  return Readable.from(cells(events)).pipe(csv)
}

async function* cells(events: AsyncIterable<AuditEvent>): AsyncGenerator<(string | null)[]> {
  for await (const e of events) {
    yield [String(e.id), e.at.toISOString(), e.actor, e.action, e.target, e.ip, e.userAgent, e.detail ? JSON.stringify(e.detail) : null]
  }
}
