import { requirePermission, type Actor } from '@/lib/auth/actor'
import { actionsPopulation, allActions } from '@/lib/populations/actions'
import { allCredentials, credentialsPopulation } from '@/lib/populations/credentials'
import { allGrants, grantsPopulation } from '@/lib/populations/grants'
import { IDENTITY_COLUMNS, identityListRows } from '@/lib/populations/report-lists'
import { allTriggers, triggersPopulation } from '@/lib/populations/triggers'
import type { ReportPeriod } from '@/lib/reports/run'
import type { PackPopulationName, PackReports } from './controls'

/** The query that read a population: its text and bound parameters (the manifest fingerprints both). */
export type PackQuery = { text: string; params: Record<string, unknown> }
/** A population as a pack lists it: its columns, its rows as they stream, and the query that read them. */
export type PackPopulationRows = { columns: readonly string[]; rows: AsyncIterable<object>; query: PackQuery }

/**
 * The rows of one of a pack's populations, from the same functions the pages' lists and CSV
 * downloads use (lib/populations), so a pack's table is the download of the same filter.
 * `identities` and `service-accounts` are the attribution report's own list (one row per
 * identity, already in `reports`): their query is that report's, named by its parameters.
 */
export async function readPackPopulation(actor: Actor, name: PackPopulationName, period: ReportPeriod, now: Date, reports: PackReports): Promise<PackPopulationRows> {
  requirePermission(actor, 'evidence:export')
  switch (name) {
    case 'identities':
    case 'service-accounts': {
      const identities = reports.attribution?.identities ?? []
      const kept = name === 'identities' ? identities : identities.filter((i) => i.kind === 'service')
      return {
        columns: IDENTITY_COLUMNS,
        rows: asStream(identityListRows(kept)),
        query: { text: `custody report attribution: identities${name === 'service-accounts' ? " where kind = 'service'" : ''}`, params: periodParams(period) },
      }
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
    case 'flagged-actions':
      return listed(actionsPopulation.columns, await allActions(actor, period, { flag: 'any' }))
  }
}

function listed(columns: readonly string[], rows: AsyncIterable<object> & { query: PackQuery }): PackPopulationRows {
  return { columns, rows, query: rows.query }
}

async function* asStream<T>(rows: T[]): AsyncGenerator<T> {
  yield* rows
}

function periodParams(period: ReportPeriod): Record<string, unknown> {
  return { from: period.from.toISOString(), to: period.to.toISOString() }
}
