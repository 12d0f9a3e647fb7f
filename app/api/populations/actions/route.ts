import { recordView } from '@/lib/auth/audit-trail'
import { currentActor } from '@/lib/auth/current'
import { actionsPopulation, allActions, parseActionQuery } from '@/lib/populations/actions'
import { pagePeriod } from '@/lib/reports/period'
import { badQuery, csvResponse } from '../csv-response'

export const dynamic = 'force-dynamic'

/**
 * GET /api/populations/actions?from=&to=&<filters> — the actions population, in full, as CSV
 * (what `/actions`, `/unattributed` and `/attribution/<identity>` download with `format=csv`).
 * One identity's actions are a view of that person, recorded as such.
 */
export async function GET(request: Request) {
  const actor = await currentActor('reports:read', request)
  const params = new URL(request.url).searchParams
  try {
    const period = await pagePeriod(actor, params)
    const { filters } = parseActionQuery(params)
    if (filters.identity) await recordView(actor, filters.identity)
    return csvResponse('actions', period, actionsPopulation.columns, await allActions(actor, period, filters))
  } catch (err) {
    return badQuery(err)
  }
}
