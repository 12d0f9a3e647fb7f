import type { Actor } from '@/lib/auth/actor'
import { InvalidParameter, pagePeriod } from '@/lib/reports/period'

export type PagePeriod = { from: Date; to: Date }

/** The page's period from `?from=&to=`, or what was wrong with them, to show instead of the numbers. */
export async function resolvePeriod(actor: Actor, params: URLSearchParams): Promise<{ period: PagePeriod } | { error: string }> {
  try {
    return { period: await pagePeriod(actor, params) }
  } catch (err) {
    if (err instanceof InvalidParameter) return { error: `${err.field}: ${err.message}` }
    throw err
  }
}
