import { NextResponse } from 'next/server'
import { currentActor } from '@/lib/auth/current'
import { sourceOverview } from '@/lib/overview/sources'

export const dynamic = 'force-dynamic'

export async function GET(request: Request) {
  const actor = await currentActor('overview:read', request)
  return NextResponse.json({ sources: await sourceOverview(actor) })
}
