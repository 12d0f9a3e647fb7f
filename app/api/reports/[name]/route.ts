import { NextResponse } from 'next/server'
import { z } from 'zod'
import { currentActor } from '@/lib/auth/current'
import { isReportName } from '@/lib/reports'
import { attributionViewed } from '@/lib/reports/attribution-view'
import { evidenceReport } from '@/lib/reports/run'

export const dynamic = 'force-dynamic'

const periodSchema = z
  .object({
    from: z.iso.datetime({ offset: true, message: 'from must be an ISO 8601 time, e.g. 2026-10-01T00:00:00Z' }),
    to: z.iso.datetime({ offset: true, message: 'to must be an ISO 8601 time, e.g. 2026-11-01T00:00:00Z' }),
  })
  .transform((p) => ({ from: new Date(p.from), to: new Date(p.to) }))
  .refine((p) => p.from < p.to, { message: 'from must be before to' })

/** GET /api/reports/<name>?from=&to= — the report's JSON, exactly as metrics.md and the CLI give it. */
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const actor = await currentActor('reports:read', request)
  const { name } = await params
  if (!isReportName(name)) return NextResponse.json({ error: `no report named ${name}` }, { status: 404 })
  const url = new URL(request.url)
  const period = periodSchema.safeParse({ from: url.searchParams.get('from') ?? '', to: url.searchParams.get('to') ?? '' })
  if (!period.success) return NextResponse.json({ error: period.error.issues.map((i) => i.message).join('; ') }, { status: 400 })
  // the attribution report shows every person's actions: reading it is recorded as viewing people
  const report = name === 'attribution' ? await attributionViewed(actor, period.data) : await evidenceReport(actor, name, period.data)
  return NextResponse.json(report)
}
