import type { AppStore } from '@/db'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import type { ReportPeriod } from '@/lib/reports/run'
import { storedSamples } from '@/lib/samples/stored'

/** A sample drawn for the period, as a pack lists it: what was drawn, by whom and when, and the keys of its items. */
export type PackSample = { population: string; seed: string; size: number; populationSize: number; drawnBy: string; drawnAt: Date; from: string; to: string; keys: string[] }

/**
 * The samples recorded for the period (drawn from the dashboard, lib/samples) that existed at
 * `through`, the pack's generated_at: a pack made `--as-of` a time lists what was drawn by then,
 * so the same as-of gives the same pack.
 */
export async function samplesForPack(actor: Actor, period: ReportPeriod, through: Date, db?: AppStore): Promise<PackSample[]> {
  requirePermission(actor, 'evidence:export')
  const samples = await storedSamples(actor, { from: period.from, to: period.to, through }, db)
  return samples.map((s) => ({
    population: s.sample.population,
    seed: s.sample.seed,
    size: s.sample.size,
    populationSize: s.sample.population_size,
    drawnBy: s.drawnBy,
    drawnAt: s.drawnAt,
    from: s.sample.from,
    to: s.sample.to,
    keys: s.keys.map((k) => Object.values(k).join(' / ')),
  }))
}
