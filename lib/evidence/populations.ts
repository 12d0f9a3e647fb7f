import { requirePermission, type Actor } from '@/lib/auth/actor'
import { sql } from '@/lib/clickhouse'
import { actionSource, actionsPopulation, postTriggerActionSource } from '@/lib/populations/actions'
import { credentialSource, credentialsPopulation } from '@/lib/populations/credentials'
import { grantSource, grantsPopulation } from '@/lib/populations/grants'
import { identitiesPopulation, identitySource } from '@/lib/populations/identities'
import { readAll, type Population, type PopulationSource } from '@/lib/populations/population'
import { triggerSource, triggersPopulation } from '@/lib/populations/triggers'
import type { ReportPeriod } from '@/lib/reports/run'
import type { Thresholds } from '@/lib/reports/thresholds'
import type { PackPopulationName } from './controls'

/** The query that read a population: its text and bound parameters (the manifest fingerprints both). */
export type PackQuery = { text: string; params: Record<string, unknown> }
/** A population as a pack lists it: its columns, its rows as they stream, and the query that read them. */
export type PackPopulationRows = { columns: readonly string[]; rows: AsyncIterable<object>; query: PackQuery }
/**
 * What the pack read once for all its reports and populations: the stored attribution's check and the
 * thresholds in force (each defaults to the population's own read).
 */
export type PackReads = { checked?: Promise<void>; thresholds?: Promise<Thresholds> }

/**
 * The rows of one of a pack's populations, from the same population queries the pages' lists
 * and CSV downloads and samples use (lib/populations), so a pack's table is the download of the
 * same filter, and its row count the report's number (`post-trigger-actions` and the triggers
 * are judged at `now`, the pack's generated_at, as the report is).
 */
export async function readPackPopulation(actor: Actor, name: PackPopulationName, period: ReportPeriod, now: Date, read: PackReads = {}): Promise<PackPopulationRows> {
  requirePermission(actor, 'evidence:export')
  const { population, source } = await packSource(name, period, now, read.thresholds)
  const rows = readAll(population, source, read.checked)
  return { columns: population.columns, rows, query: rows.query }
}

async function packSource(name: PackPopulationName, period: ReportPeriod, now: Date, t?: Promise<Thresholds>): Promise<{ population: Population<object>; source: PopulationSource }> {
  switch (name) {
    case 'identities':
      return { population: identitiesPopulation, source: await identitySource(period, t) }
    case 'service-accounts': {
      const source = await identitySource(period, t)
      return { population: identitiesPopulation, source: { ...source, where: [...source.where, sql`kind = 'service'`] } }
    }
    case 'credentials':
      return { population: credentialsPopulation, source: await credentialSource(period, {}, t) }
    case 'credentials-over-max-age':
      return { population: credentialsPopulation, source: await credentialSource(period, { over_max_age: true }, t) }
    case 'credentials-without-expiry':
      return { population: credentialsPopulation, source: await credentialSource(period, { no_expiry: true }, t) }
    case 'off-gateway-grants':
      return { population: grantsPopulation, source: grantSource(period, {}) }
    case 'triggers':
      return { population: triggersPopulation, source: await triggerSource(period, {}, now, t) }
    case 'unattributed-actions':
      return { population: actionsPopulation, source: await actionSource(period, { reason: 'unattributed' }, t) }
    case 'post-trigger-actions':
      return { population: actionsPopulation, source: await postTriggerActionSource(period, now, t) }
    case 'flagged-actions':
      return { population: actionsPopulation, source: await actionSource(period, { flag: 'any' }, t) }
  }
}
