import { currentActor } from '@/lib/auth/current'
import { isReportList, reportList } from '@/lib/populations/report-lists'
import { pagePeriod } from '@/lib/reports/period'
import { badQuery, csvResponse } from '../../csv-response'

export const dynamic = 'force-dynamic'

/** GET /api/populations/lists/<identities|clients|sources>?from=&to= — a report's list as CSV (`/attribution`, `/off-gateway`, `/coverage` with `format=csv`). */
export async function GET(request: Request, { params }: { params: Promise<{ list: string }> }) {
  const actor = await currentActor('reports:read', request)
  const { list } = await params
  if (!isReportList(list)) return Response.json({ error: `no list named ${list}` }, { status: 404 })
  try {
    const search = new URL(request.url).searchParams
    const period = await pagePeriod(actor, search)
    const { columns, rows } = await reportList(actor, list, period, search)
    return csvResponse(list, period, columns, rowsOf(rows))
  } catch (err) {
    return badQuery(err)
  }
}

async function* rowsOf<T>(rows: T[]): AsyncGenerator<T> {
  yield* rows
}
