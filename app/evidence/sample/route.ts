import { z } from 'zod'
import { currentActor } from '@/lib/auth/current'
import { csvStream } from '@/lib/populations/csv'
import { drawSampleWithKeys, MAX_RECORDED_SAMPLE, recordedSample, SAMPLE_POPULATIONS, type DrawnSample } from '@/lib/samples'

export const dynamic = 'force-dynamic'

const isoTime = (field: string) => z.iso.datetime({ offset: true, message: `${field} must be an ISO 8601 time, e.g. 2026-10-01T00:00:00Z` }).transform((t) => new Date(t))

/** A sample to draw again: what `custody sample` takes, `as_of` being a recorded sample's drawn_at. */
const drawQuery = z
  .object({
    population: z.enum(SAMPLE_POPULATIONS, { message: `population must be one of ${SAMPLE_POPULATIONS.join(', ')}` }),
    from: isoTime('from'),
    to: isoTime('to'),
    size: z.coerce.number({ message: 'size must be a number' }).int('size must be a whole number').min(1, 'size must be at least 1').max(MAX_RECORDED_SAMPLE, `size may be at most ${MAX_RECORDED_SAMPLE}`),
    seed: z.string().min(1, 'seed is required').max(200, 'seed may be at most 200 characters'),
    as_of: isoTime('as_of').optional(),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] })

/**
 * GET /evidence/sample — a sample's items as the population's CSV, in drawn order: `?id=` a
 * recorded sample as it was drawn, or `?population=&from=&to=&size=&seed=[&as_of=]` any sample
 * drawn again (what `custody sample` prints), so an auditor can reproduce one from the dashboard.
 */
export async function GET(request: Request) {
  const actor = await currentActor('reports:read', request)
  const params = new URL(request.url).searchParams
  const id = params.get('id')
  let drawn: DrawnSample
  if (id !== null) {
    const recorded = z.uuid().safeParse(id).success ? await recordedSample(actor, id) : null
    if (!recorded) return Response.json({ error: 'no such sample', field: 'id' }, { status: 404 })
    drawn = recorded
  } else {
    const query = drawQuery.safeParse(Object.fromEntries(params))
    if (!query.success) return Response.json({ error: query.error.issues[0].message, field: String(query.error.issues[0].path[0] ?? '') }, { status: 400 })
    const { as_of, ...draw } = query.data
    drawn = await drawSampleWithKeys(actor, { ...draw, asOf: as_of })
  }
  const { sample, columns } = drawn
  const stamp = (t: string) => t.replace(/[:.]/g, '-')
  return new Response(csvStream(columns, rowsOf(sample.items)), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="custody-sample-${sample.population}-${stamp(sample.from)}-${stamp(sample.to)}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}

async function* rowsOf<T>(rows: T[]): AsyncGenerator<T> {
  yield* rows
}
