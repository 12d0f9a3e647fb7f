import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm'
import { openAppStore, type AppStore } from '@/db'
import { evidenceSamples } from '@/db/schema'
import { actorLabel, requirePermission, type Actor } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import { drawSampleWithKeys, type DrawnSample, type SampleRequest } from './draw'
import { SAMPLE_POPULATIONS, type SamplePopulation } from './names'
import { SAMPLED } from './populations'

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

export type RecordedSampleQuery = {
  /** samples whose period lies inside [from, to) */
  from: Date
  to: Date
  /** only those drawn at or before this time: a pack rendered `--as-of` a time prints what existed then */
  through?: Date
  population?: SamplePopulation
}

/** The samples drawn for a period, oldest first (what a pack prints, and the Evidence page lists); `db`: a store the caller opened (default the process's). */
export async function recordedSamples(actor: Actor, q: RecordedSampleQuery, db?: AppStore): Promise<RecordedSample[]> {
  requirePermission(actor, 'reports:read')
  const rows = await (db ?? (await openAppStore())).select().from(evidenceSamples).where(samplesOf(q)).orderBy(evidenceSamples.drawnAt, evidenceSamples.id)
  return rows.map(asRecorded)
}

/** One recorded sample by its id, or null. */
export async function recordedSample(actor: Actor, id: string): Promise<RecordedSample | null> {
  requirePermission(actor, 'reports:read')
  const db = await openAppStore()
  const [row] = await db.select().from(evidenceSamples).where(eq(evidenceSamples.id, id)).orderBy(desc(evidenceSamples.drawnAt)).limit(1)
  return row ? asRecorded(row) : null
}

function samplesOf(q: RecordedSampleQuery): SQL | undefined {
  return and(
    gte(evidenceSamples.periodFrom, q.from),
    lte(evidenceSamples.periodTo, q.to),
    q.through ? lte(evidenceSamples.drawnAt, q.through) : undefined,
    q.population ? eq(evidenceSamples.population, q.population) : undefined,
  )
}

function asRecorded(row: typeof evidenceSamples.$inferSelect): RecordedSample {
  const population = SAMPLE_POPULATIONS.find((p) => p.toString() === row.population)
  if (!population) throw new Error(`evidence_samples ${row.id}: unknown population ${row.population}`)
  return {
    id: row.id,
    drawnBy: row.drawnBy,
    drawnAt: row.drawnAt,
    keys: row.keys,
    columns: SAMPLED[population].population.columns,
    sample: {
      population,
      from: row.periodFrom.toISOString(),
      to: row.periodTo.toISOString(),
      seed: row.seed,
      size: row.size,
      population_size: row.populationSize,
      items: row.items,
    },
  }
}
