import { requirePermission, type Actor } from '@/lib/auth/actor'
import { sql } from '@/lib/clickhouse'
import { actionSource, actionsPopulation, postTriggerActionSource } from '@/lib/populations/actions'
import { credentialSource, credentialsPopulation } from '@/lib/populations/credentials'
import { grantSource, grantsPopulation } from '@/lib/populations/grants'
import { identitiesPopulation, identitySource } from '@/lib/populations/identities'
import { readAll, type Population, type PopulationSource } from '@/lib/populations/population'
import { triggerSource, triggersPopulation } from '@/lib/populations/triggers'
import type { ReportPeriod } from '@/lib/reports/run'
import type { PackPopulationName } from './controls'

/** The query that read a population: its text and bound parameters (the manifest fingerprints both). */
export type PackQuery = { text: string; params: Record<string, unknown> }
/** A population as a pack lists it: its columns, its rows as they stream, and the query that read them. */
export type PackPopulationRows = { columns: readonly string[]; rows: AsyncIterable<object>; query: PackQuery }

/**
 * The rows of one of a pack's populations, from the same population queries the pages' lists
 * and CSV downloads and samples use (lib/populations), so a pack's table is the download of the
 * same filter, and its row count the report's number (`post-trigger-actions` and the triggers
 * are judged at `now`, the pack's generated_at, as the report is). `checked`: the stored
 * attribution's check the pack's reports made, which every population of the pack reads after
 * (default: its own).
 */
export async function readPackPopulation(actor: Actor, name: PackPopulationName, period: ReportPeriod, now: Date, checked?: Promise<void>): Promise<PackPopulationRows> {
  requirePermission(actor, 'evidence:export')
  const { population, source } = await packSource(name, period, now)
  const rows = readAll(population, source, checked)
  return { columns: population.columns, rows, query: rows.query }
}

async function packSource(name: PackPopulationName, period: ReportPeriod, now: Date): Promise<{ population: Population<object>; source: PopulationSource }> {
  switch (name) {
    case 'identities':
      return { population: identitiesPopulation, source: await identitySource(period) }
    case 'service-accounts': {
      const source = await identitySource(period)
      return { population: identitiesPopulation, source: { ...source, where: [...source.where, sql`kind = 'service'`] } }
    }
    case 'credentials':
      return { population: credentialsPopulation, source: await credentialSource(period, {}) }
    case 'credentials-over-max-age':
      return { population: credentialsPopulation, source: await credentialSource(period, { over_max_age: true }) }
    case 'credentials-without-expiry':
      return { population: credentialsPopulation, source: await credentialSource(period, { no_expiry: true }) }
    case 'off-gateway-grants':
      return { population: grantsPopulation, source: grantSource(period, {}) }
    case 'triggers':
      return { population: triggersPopulation, source: await triggerSource(period, {}, now) }
    case 'unattributed-actions':
      return { population: actionsPopulation, source: await actionSource(period, { reason: 'unattributed' }) }
    case 'post-trigger-actions':
      return { population: actionsPopulation, source: await postTriggerActionSource(period, now) }
    case 'flagged-actions':
      return { population: actionsPopulation, source: await actionSource(period, { flag: 'any' }) }
  }
}
