import type { Actor } from '@/lib/auth/actor'
import type { ReportPeriod } from '@/lib/reports/run'

/** A sample drawn for the period, as a pack lists it. */
export type PackSample = { population: string; seed: string; size: number; populationSize: number; drawnBy: string; drawnAt: Date }

/**
 * The samples recorded for the period. Null until the samples module (lib/samples, issue 12's
 * `custody sample`) records them: the pack then says that no record exists, rather than "none".
 */
export async function samplesForPack(_actor: Actor, _period: ReportPeriod): Promise<PackSample[] | null> {
  return null
}
