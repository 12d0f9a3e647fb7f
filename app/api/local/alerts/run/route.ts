import { NextResponse } from 'next/server'
import { evaluateAlerts } from '@/lib/alerts/evaluate'
import { isLocalHandoff } from '@/lib/intake/local-handoff'

export const dynamic = 'force-dynamic'

/**
 * POST /api/local/alerts/run — `custody alerts run` on a data dir this dashboard owns: the
 * evaluation runs here, in the process that holds the stores, and answers what the CLI prints.
 * The authority is the local handoff token, as for /api/local/reports.
 */
export async function POST(request: Request) {
  if (!isLocalHandoff(request)) return NextResponse.json({ error: 'only the custody command line on this machine may ask here' }, { status: 401 })
  return NextResponse.json(await evaluateAlerts())
}
