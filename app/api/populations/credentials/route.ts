import { recordView } from '@/lib/auth/audit-trail'
import { currentActor } from '@/lib/auth/current'
import { allCredentials, credentialsPopulation, parseCredentialQuery } from '@/lib/populations/credentials'
import { pagePeriod } from '@/lib/reports/period'
import { badQuery, csvResponse } from '../csv-response'

export const dynamic = 'force-dynamic'

/** GET /api/populations/credentials?from=&to=&<filters> — the token-age population, in full, as CSV (`/token-age?format=csv`). */
export async function GET(request: Request) {
  const actor = await currentActor('reports:read', request)
  const params = new URL(request.url).searchParams
  try {
    const period = await pagePeriod(actor, params)
    const { filters } = parseCredentialQuery(params)
    if (filters.identity) await recordView(actor, filters.identity)
    return csvResponse('credentials', period, credentialsPopulation.columns, await allCredentials(actor, period, filters))
  } catch (err) {
    return badQuery(err)
  }
}
