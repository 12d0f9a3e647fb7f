import type { AppStore } from '@/db'
import { thresholds } from '@/db/schema'
import { DEFAULT_THRESHOLDS, thresholdsSchema, type Thresholds } from '@/lib/reports/thresholds'

/** The thresholds reports are judged against: the defaults, overridden by what security staff set. */
export async function thresholdsInForce(db: AppStore): Promise<Thresholds> {
  const rows = await db.select({ key: thresholds.key, value: thresholds.value }).from(thresholds)
  const merged: Record<string, unknown> = structuredClone(DEFAULT_THRESHOLDS)
  for (const row of rows) {
    const current = merged[row.key]
    merged[row.key] =
      current && typeof current === 'object' && row.value && typeof row.value === 'object'
        ? { ...current, ...(row.value as object) }
        : row.value
  }
  return thresholdsSchema.parse(merged)
}
