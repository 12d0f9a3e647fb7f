import { NextResponse } from 'next/server'

export const dynamic = 'force-dynamic'

/** Liveness only: touches no store, so it answers while a data dir is busy. */
export function GET() {
  return NextResponse.json({ ok: true })
}
