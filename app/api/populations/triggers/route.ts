import { recordView } from '@/lib/auth/audit-trail'
import { currentActor } from '@/lib/auth/current'
import { allTriggers, parseTriggerQuery, triggersPopulation } from '@/lib/populations/triggers'
import { pagePeriod } from '@/lib/reports/period'
import { badQuery, csvResponse } from '../csv-response'

export const dynamic = 'force-dynamic'

/** GET /api/populations/triggers?from=&to=&<filters> — the revocation-latency population, in full, as CSV (`/revocation-latency?format=csv`). */
export async function GET(request: Request) {
  const actor = await currentActor('reports:read', request)
  const params = new URL(request.url).searchParams
  try {
    const period = await pagePeriod(actor, params)
    const { filters } = parseTriggerQuery(params)
    if (filters.identity) await recordView(actor, filters.identity)
    return csvResponse('triggers', period, triggersPopulation.columns, await allTriggers(actor, period, filters))
  } catch (err) {
    return badQuery(err)
  }
}
