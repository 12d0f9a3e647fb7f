import { csvStream } from '@/lib/populations/csv'
import { InvalidParameter } from '@/lib/reports/period'
import type { ReportPeriod } from '@/lib/reports/run'

/** A population streamed as a CSV download, named for what it holds and its period. */
export function csvResponse<Row extends object>(name: string, period: ReportPeriod, columns: readonly string[], rows: AsyncIterable<Row>): Response {
  const day = (t: Date) => t.toISOString().replace(/[:.]/g, '-')
  return new Response(csvStream(columns, rows), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="custody-${name}-${day(period.from)}-${day(period.to)}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}

/** A bad period or filter answers 400 saying which parameter and why; anything else is not ours to catch. */
export function badQuery(err: unknown): Response {
  if (err instanceof InvalidParameter) return Response.json({ error: err.message, field: err.field }, { status: 400 })
  throw err
}
