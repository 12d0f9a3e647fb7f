import { requirePermission, type Actor } from '@/lib/auth/actor'
import { sql } from '@/lib/clickhouse'
import { actionsPopulation, allActions, postTriggerActionSource } from '@/lib/populations/actions'
import { allCredentials, credentialsPopulation } from '@/lib/populations/credentials'
import { allGrants, grantsPopulation } from '@/lib/populations/grants'
import { identitiesPopulation, identitySource } from '@/lib/populations/identities'
import { readAll } from '@/lib/populations/population'
import { allTriggers, triggersPopulation } from '@/lib/populations/triggers'
import type { ReportPeriod } from '@/lib/reports/run'
import type { PackPopulationName } from './controls'

/** The query that read a population: its text and bound parameters (the manifest fingerprints both). */
export type PackQuery = { text: string; params: Record<string, unknown> }
/** A population as a pack lists it: its columns, its rows as they stream, and the query that read them. */
export type PackPopulationRows = { columns: readonly string[]; rows: AsyncIterable<object>; query: PackQuery }

/**
 * The rows of one of a pack's populations, from the same functions the pages' lists and CSV
 * downloads and samples use (lib/populations), so a pack's table is the download of the same
 * filter, and its row count the report's number (`post-trigger-actions` and the identities are
 * judged at `now`, the pack's generated_at, as the report is).
 */
export async function readPackPopulation(actor: Actor, name: PackPopulationName, period: ReportPeriod, now: Date): Promise<PackPopulationRows> {
  requirePermission(actor, 'evidence:export')
  switch (name) {
    case 'identities':
      return listed(identitiesPopulation.columns, readAll(identitiesPopulation, await identitySource(period)))
    case 'service-accounts': {
      const source = await identitySource(period)
      return listed(identitiesPopulation.columns, readAll(identitiesPopulation, { ...source, where: [...source.where, sql`kind = 'service'`] }))
    }
    case 'credentials':
      return listed(credentialsPopulation.columns, await allCredentials(actor, period, {}))
    case 'credentials-over-max-age':
      return listed(credentialsPopulation.columns, await allCredentials(actor, period, { over_max_age: true }))
    case 'credentials-without-expiry':
      return listed(credentialsPopulation.columns, await allCredentials(actor, period, { no_expiry: true }))
    case 'off-gateway-grants':
      return listed(grantsPopulation.columns, await allGrants(actor, period, {}))
    case 'triggers':
      return listed(triggersPopulation.columns, await allTriggers(actor, period, {}, now))
    case 'unattributed-actions':
      return listed(actionsPopulation.columns, await allActions(actor, period, { reason: 'unattributed' }))
    case 'post-trigger-actions':
      return listed(actionsPopulation.columns, readAll(actionsPopulation, await postTriggerActionSource(period, now)))
    case 'flagged-actions':
      return listed(actionsPopulation.columns, await allActions(actor, period, { flag: 'any' }))
  }
}

function listed(columns: readonly string[], rows: AsyncIterable<object> & { query: PackQuery }): PackPopulationRows {
  return { columns, rows, query: rows.query }
}

