import { NextResponse } from 'next/server'
import { z } from 'zod'
import { cliActor } from '@/lib/auth/actor'
import { isLocalHandoff } from '@/lib/intake/local-handoff'
import { isReportName } from '@/lib/reports'
import { evidenceReport } from '@/lib/reports/run'

export const dynamic = 'force-dynamic'

const periodSchema = z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })

/**
 * GET /api/local/reports/<name>?from=&to= — `custody report` on a data dir this dashboard owns
 * (intake.md). The authority is the local handoff token (lib/intake/local-handoff.ts), only
 * readable by the data dir's OS user and only accepted from loopback: that caller is the CLI.
 */
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  if (!isLocalHandoff(request)) return NextResponse.json({ error: 'only the custody command line on this machine may ask here' }, { status: 401 })
  const { name } = await params
  if (!isReportName(name)) return NextResponse.json({ error: `no report named ${name}` }, { status: 404 })
  const url = new URL(request.url)
  const period = periodSchema.safeParse({ from: url.searchParams.get('from'), to: url.searchParams.get('to') })
  if (!period.success) return NextResponse.json({ error: 'from and to must be ISO 8601 times' }, { status: 400 })
  return NextResponse.json(await evidenceReport(cliActor, name, { from: new Date(period.data.from), to: new Date(period.data.to) }))
}
