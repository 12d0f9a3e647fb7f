import { currentActor } from '@/lib/auth/current'
import { allGrants, grantsPopulation, parseGrantQuery } from '@/lib/populations/grants'
import { pagePeriod } from '@/lib/reports/period'
import { badQuery, csvResponse } from '../csv-response'

export const dynamic = 'force-dynamic'

/** GET /api/populations/grants?from=&to=&client= — the off-gateway grants, in full, as CSV (`/off-gateway?format=csv`). */
export async function GET(request: Request) {
  const actor = await currentActor('reports:read', request)
  const params = new URL(request.url).searchParams
  try {
    const period = await pagePeriod(actor, params)
    const { filters } = parseGrantQuery(params)
    return csvResponse('off-gateway-grants', period, grantsPopulation.columns, await allGrants(actor, period, filters))
  } catch (err) {
    return badQuery(err)
  }
}
