import { openAppStore } from '@/db'
import type { Thresholds } from '@/lib/reports/thresholds'
import { thresholdsInForce } from '@/lib/thresholds/in-force'

/**
 * The thresholds a population query rates against: the caller's, when it has read the ones in
 * force already (an evidence pack reads them once for its reports and every population), else the app store's.
 */
export async function populationThresholds(read?: Promise<Thresholds>): Promise<Thresholds> {
  return read ?? thresholdsInForce(await openAppStore())
}
