import { requirePermission, type Actor } from '@/lib/auth/actor'
import { keyOf, readSample } from '@/lib/populations/population'
import { SAMPLED, type SamplePopulation } from './populations'

export type SampleRequest = { population: SamplePopulation; from: Date; to: Date; size: number; seed: string; asOf?: Date }

/** evidence.md's `sample --json` object: `items` are rows as in the population's CSV, in drawn order. */
export type Sample = {
  population: SamplePopulation
  from: string
  to: string
  seed: string
  size: number
  population_size: number
  items: Record<string, unknown>[]
}

/** A sample, the key of each item (what a recorded sample keeps to name its items) and the population's CSV columns. */
export type DrawnSample = { sample: Sample; keys: Record<string, string | number>[]; columns: readonly string[] }

/**
 * Draws `size` items of the population of [from, to) by `seed`, inside ClickHouse (readSample):
 * the same data, period, size and seed give the same items in the same order on any machine.
 * `asOf` (default now) is the generated_at that triggers and post-trigger actions are judged at.
 */
export async function drawSample(actor: Actor, request: SampleRequest): Promise<Sample> {
  requirePermission(actor, 'reports:read')
  return (await drawSampleWithKeys(actor, request)).sample
}

/** drawSample, with each item's key (what recordSample keeps). */
export async function drawSampleWithKeys(actor: Actor, r: SampleRequest): Promise<DrawnSample> {
  requirePermission(actor, 'reports:read')
  if (!(r.from < r.to)) throw new Error('sample: from must be before to')
  const { population, source } = SAMPLED[r.population]
  const drawn = await readSample(population, await source({ from: r.from, to: r.to }, r.asOf ?? new Date()), { size: r.size, seed: r.seed })
  const items = drawn.rows.map((row) => Object.fromEntries(population.columns.map((c) => [c, row[c]])))
  return {
    sample: { population: r.population, from: r.from.toISOString(), to: r.to.toISOString(), seed: r.seed, size: r.size, population_size: drawn.total, items },
    keys: drawn.rows.map((row) => keyOf(population, row)),
    columns: population.columns,
  }
}
