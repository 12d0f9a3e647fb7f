import { z } from 'zod'
import { currentActor } from '@/lib/auth/current'
import { csvStream } from '@/lib/populations/csv'
import { recordedSample } from '@/lib/samples'

export const dynamic = 'force-dynamic'

/** GET /evidence/samples/<id> — a recorded sample's items, in drawn order, as the population's CSV. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await currentActor('reports:read', request)
  const id = z.uuid().safeParse((await params).id)
  const recorded = id.success ? await recordedSample(actor, id.data) : null
  if (!recorded) return Response.json({ error: 'no such sample' }, { status: 404 })
  const { sample } = recorded
  const day = (t: string) => t.replace(/[:.]/g, '-')
  return new Response(csvStream(recorded.columns, toAsync(sample.items)), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="custody-sample-${sample.population}-${day(sample.from)}-${day(sample.to)}-${recorded.id}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}

async function* toAsync<T>(rows: T[]): AsyncGenerator<T> {
  yield* rows
}
