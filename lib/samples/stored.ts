// The recorded samples as the app store keeps them: drizzle and the app store only, so that what reads them for a
// pack (the app store's worker thread of `custody export`) never loads the population queries or ClickHouse's client.
import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm'
import { openAppStore, type AppStore } from '@/db'
import { evidenceSamples } from '@/db/schema'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { SAMPLE_POPULATIONS, type SamplePopulation } from './names'

/** A sample drawn from the dashboard, as recorded: evidence.md's `sample --json` object, its items' keys, who drew it and when (its generated_at). */
export type StoredSample = {
  id: string
  drawnBy: string
  drawnAt: Date
  keys: Record<string, string | number>[]
  sample: { population: SamplePopulation; from: string; to: string; seed: string; size: number; population_size: number; items: Record<string, unknown>[] }
}

export type RecordedSampleQuery = {
  /** samples whose period lies inside [from, to) */
  from: Date
  to: Date
  /** only those drawn at or before this time: a pack rendered `--as-of` a time prints what existed then */
  through?: Date
  population?: SamplePopulation
}

/** The samples recorded for a period, oldest first (what a pack prints); `db`: a store the caller opened (default the process's). */
export async function storedSamples(actor: Actor, q: RecordedSampleQuery, db?: AppStore): Promise<StoredSample[]> {
  requirePermission(actor, 'reports:read')
  const rows = await (db ?? (await openAppStore())).select().from(evidenceSamples).where(samplesOf(q)).orderBy(evidenceSamples.drawnAt, evidenceSamples.id)
  return rows.map(asStored)
}

/** One recorded sample by its id, or null. */
export async function storedSample(actor: Actor, id: string): Promise<StoredSample | null> {
  requirePermission(actor, 'reports:read')
  const db = await openAppStore()
  const [row] = await db.select().from(evidenceSamples).where(eq(evidenceSamples.id, id)).orderBy(desc(evidenceSamples.drawnAt)).limit(1)
  return row ? asStored(row) : null
}

function samplesOf(q: RecordedSampleQuery): SQL | undefined {
  return and(
    gte(evidenceSamples.periodFrom, q.from),
    lte(evidenceSamples.periodTo, q.to),
    q.through ? lte(evidenceSamples.drawnAt, q.through) : undefined,
    q.population ? eq(evidenceSamples.population, q.population) : undefined,
  )
}

function asStored(row: typeof evidenceSamples.$inferSelect): StoredSample {
  const population = SAMPLE_POPULATIONS.find((p) => p.toString() === row.population)
  if (!population) throw new Error(`evidence_samples ${row.id}: unknown population ${row.population}`)
  return {
    id: row.id,
    drawnBy: row.drawnBy,
    drawnAt: row.drawnAt,
    keys: row.keys,
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
