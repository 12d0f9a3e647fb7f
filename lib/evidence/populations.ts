import { isDeepStrictEqual } from 'node:util'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { sql, type SqlFragment } from '@/lib/clickhouse'
import { render } from '@/lib/clickhouse/sql'
import { actionsAndPostTriggerSource, actionSource, actionsPopulation, IN_PERIOD, POST_TRIGGER, postTriggerActionSource } from '@/lib/populations/actions'
import { credentialSource, credentialsPopulation } from '@/lib/populations/credentials'
import { grantSource, grantsPopulation } from '@/lib/populations/grants'
import { identitiesPopulation, identitySource } from '@/lib/populations/identities'
import { readAll, readAllParts, type Population, type PopulationSource } from '@/lib/populations/population'
import { triggerSource, triggersPopulation } from '@/lib/populations/triggers'
import type { ReportPeriod } from '@/lib/reports/run'
import type { Thresholds } from '@/lib/reports/thresholds'
import type { PackPopulationName } from './controls'

/**
 * The query that read a population: its text and bound parameters (the manifest fingerprints both), and when
 * it read several of the pack's populations at once, the column that is 1 on this population's rows.
 */
export type PackQuery = { text: string; params: Record<string, unknown>; part?: string }
/** A population as a pack lists it: its columns, its rows as they stream, and the query that read them. */
export type PackPopulationRows = { columns: readonly string[]; rows: AsyncIterable<object>; query: PackQuery }
/**
 * What the pack read once for all its reports and populations: the stored attribution's check and the
 * thresholds in force (each defaults to the population's own read); `sizes`: each population's rows by the
 * reports, with which a family whose later populations would hold more than `holdRows` rows (default HOLD_ROWS)
 * while its first is drawn is read apart (without them, together).
 */
export type PackReads = { checked?: Promise<void>; thresholds?: Promise<Thresholds>; sizes?: Promise<ReadonlyMap<PackPopulationName, number>>; holdRows?: number }

// Past this many rows of the populations drawn after a family's first, its populations are read apart, each by the
// family's query with only its own conditions: read together, those rows are held while the first is drawn (and
// the client materializes every row of a result as text at once). The demo quarter holds at most ~23,000 (read
// together); at 10M actions the unattributed and flagged ones, ~690,000 (read apart: the quarter read three times).
export const HOLD_ROWS = 100_000

/**
 * The rows of one of a pack's populations, from the same population queries the pages' lists
 * and CSV downloads and samples use (lib/populations), so a pack's table is the download of the
 * same filter, and its row count the report's number (`post-trigger-actions` and the triggers
 * are judged at `now`, the pack's generated_at, as the report is).
 */
export async function readPackPopulation(actor: Actor, name: PackPopulationName, period: ReportPeriod, now: Date, read: PackReads = {}): Promise<PackPopulationRows> {
  requirePermission(actor, 'evidence:export')
  return packPopulationReader(actor, [name], period, now, read)(name)
}

// Populations that are filters of one population query (the same CTEs, only their conditions differ).
const FAMILY: Record<PackPopulationName, string> = {
  identities: 'identities',
  'service-accounts': 'identities',
  credentials: 'credentials',
  'credentials-over-max-age': 'credentials',
  'credentials-without-expiry': 'credentials',
  'off-gateway-grants': 'off-gateway-grants',
  triggers: 'triggers',
  'unattributed-actions': 'actions',
  'flagged-actions': 'actions',
  'post-trigger-actions': 'actions',
}

/**
 * Reads the populations `listed` (a pack's, each once) as readPackPopulation does, but the ones that are filters
 * of one population query in one query: its rows meet any of their conditions, with a column per population
 * saying which are whose (readAllParts). Each population's rows and CSV are unchanged; its printed query is the
 * one that read them, with that column.
 */
export function packPopulationReader(actor: Actor, listed: readonly PackPopulationName[], period: ReportPeriod, now: Date, read: PackReads = {}): (name: PackPopulationName) => Promise<PackPopulationRows> {
  requirePermission(actor, 'evidence:export')
  const families = new Map<string, Promise<Map<PackPopulationName, PackPopulationRows>>>()
  // each family's query is built after the one asked for before it, so the queries reach the engine (which runs them
  // one at a time) in the order they were asked for: the order the pack draws them
  let previous: Promise<unknown> = Promise.resolve()
  return async (name) => {
    const family = FAMILY[name]
    if (!families.has(family)) {
      const reading = previous.then(() => readFamily([...new Set(listed)].filter((n) => FAMILY[n] === family), period, now, read))
      previous = reading.catch(() => undefined)
      families.set(family, reading)
    }
    const rows = (await families.get(family)!).get(name)
    if (!rows) throw new Error(`${name} is not one of the populations this pack lists`)
    return rows
  }
}

async function readFamily(members: PackPopulationName[], period: ReportPeriod, now: Date, read: PackReads): Promise<Map<PackPopulationName, PackPopulationRows>> {
  const sources = await Promise.all(members.map((m) => packSource(m, period, now, read.thresholds)))
  const [{ population, source }] = sources
  if (members.length === 1) {
    const rows = readAll(population, source, read.checked)
    return new Map([[members[0], { columns: population.columns, rows, query: rows.query }]])
  }
  const family = await familySource(members, sources.map((s) => s.source), period, now, read.thresholds)
  const part = (m: PackPopulationName) => `in_${m.replaceAll('-', '_')}`
  const sizes = await read.sizes
  // the first listed is drawn first: read together, the others' rows are held meanwhile
  const held = members.slice(1).reduce((n, m) => n + (sizes?.get(m) ?? Infinity), 0)
  const apart = sizes !== undefined && held > (read.holdRows ?? HOLD_ROWS)
  const parts = readAllParts(population, { with: family.with, where: [] }, members.map((m, i) => ({ part: part(m), where: family.where[i] })), read.checked, apart)
  return new Map(members.map((m, i) => [m, { columns: population.columns, rows: parts.rows[i], query: { ...parts.query, part: part(m) } }]))
}

/**
 * The one query several populations of a family filter, and each one's conditions on it: their sources' own when
 * they share one query (the same CTEs); the period's actions and the post-trigger actions reach further than each
 * other, so those are read from the query that holds both (actionsAndPostTriggerSource).
 */
async function familySource(members: PackPopulationName[], sources: PopulationSource[], period: ReportPeriod, now: Date, t?: Promise<Thresholds>): Promise<{ with: SqlFragment; where: SqlFragment[][] }> {
  if (members.includes('post-trigger-actions')) {
    const both = await actionsAndPostTriggerSource(period, now, t)
    return { with: both.with, where: members.map((m, i) => (m === 'post-trigger-actions' ? [POST_TRIGGER] : [IN_PERIOD, ...sources[i].where])) }
  }
  const shared = render(sources[0].with)
  if (sources.some((s) => !isDeepStrictEqual(render(s.with), shared))) throw new Error(`${members.join(', ')} are not filters of one population query`)
  return { with: sources[0].with, where: sources.map((s) => s.where) }
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
