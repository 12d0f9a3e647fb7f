import { openAppStore, type AppStore } from '@/db'
import { evidenceSamples } from '@/db/schema'
import { actorLabel, requirePermission, type Actor } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import { drawSampleWithKeys, type DrawnSample, type SampleRequest } from './draw'
import { SAMPLED } from './populations'
import { storedSample, storedSamples, type RecordedSampleQuery, type StoredSample } from './stored'

export type { RecordedSampleQuery } from './stored'

/** A sample drawn from the dashboard: the drawn sample, its items' keys and CSV columns, who drew it and when (its generated_at). */
export type RecordedSample = DrawnSample & { id: string; drawnBy: string; drawnAt: Date }

/**
 * Draws a sample at `now` and records it with the audit row in one transaction (evidence.md:
 * "a sample drawn from the dashboard is recorded (who, when, seed) and goes into the period's
 * packs"). `custody sample` with the same arguments reproduces its items.
 */
export async function recordSample(actor: Actor, request: Omit<SampleRequest, 'asOf'>, now: Date = new Date()): Promise<RecordedSample> {
  requirePermission(actor, 'evidence:export')
  const drawn = await drawSampleWithKeys(actor, { ...request, asOf: now })
  const db = await openAppStore()
  const drawnBy = actorLabel(actor)
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(evidenceSamples)
      .values({
        population: request.population,
        periodFrom: request.from,
        periodTo: request.to,
        seed: request.seed,
        size: request.size,
        populationSize: drawn.sample.population_size,
        keys: drawn.keys,
        items: drawn.sample.items,
        drawnBy,
        drawnAt: now,
      })
      .returning({ id: evidenceSamples.id })
    const { population, from, to, seed, size, population_size } = drawn.sample
    await recordAudit(tx, actor, { action: 'sample_draw', target: population, detail: { sample: row.id, from, to, seed, size, population_size, drawn: drawn.keys.length } })
    return row.id
  })
  return { id, drawnBy, drawnAt: now, ...drawn }
}

/** The samples drawn for a period, oldest first, with their CSV columns (the Evidence page lists them); `db`: a store the caller opened (default the process's). */
export async function recordedSamples(actor: Actor, q: RecordedSampleQuery, db?: AppStore): Promise<RecordedSample[]> {
  requirePermission(actor, 'reports:read')
  return (await storedSamples(actor, q, db)).map(withColumns)
}

/** One recorded sample by its id, or null. */
export async function recordedSample(actor: Actor, id: string): Promise<RecordedSample | null> {
  requirePermission(actor, 'reports:read')
  const stored = await storedSample(actor, id)
  return stored && withColumns(stored)
}

function withColumns(s: StoredSample): RecordedSample {
  return { ...s, columns: SAMPLED[s.sample.population].population.columns }
}
