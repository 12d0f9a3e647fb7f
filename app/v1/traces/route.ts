import { receiveOtlp } from '@/lib/intake/receive'

export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

/** POST /v1/traces: OTLP/HTTP, JSON or protobuf (intake.md). The ingest token is the authority, checked first. */
export async function POST(request: Request) {
  return receiveOtlp(request, 'traces')
}
