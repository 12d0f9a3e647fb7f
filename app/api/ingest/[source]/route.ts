import { NextResponse } from 'next/server'
import { receiveRecords } from '@/lib/intake/receive'
import { z } from 'zod'
import { INGESTIBLE_SOURCES } from '@/lib/sources'

const sourceSchema = z.enum(INGESTIBLE_SOURCES)

export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

/**
 * POST /api/ingest/<source> (intake.md): what `custody ingest --source <source>` reads, pushed by a
 * gateway or log shipper. Public to sessions: the ingest token is the authority, checked first.
 */
export async function POST(request: Request, { params }: { params: Promise<{ source: string }> }) {
  const { source } = await params
  const known = sourceSchema.safeParse(source)
  if (!known.success) return NextResponse.json({ error: `no source named ${source}; one of: ${INGESTIBLE_SOURCES.join(', ')}` }, { status: 404 })
  return receiveRecords(request, known.data)
}
