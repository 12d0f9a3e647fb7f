import { isDeepStrictEqual } from 'node:util'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { DEFAULT_THRESHOLDS, runReport, type ReportName, type Thresholds } from './index'

// loaded when first asked: a CLI start that has the thresholds another way need not load the app store
async function fromAppStore(): Promise<Thresholds> {
  const [{ openAppStore }, { thresholdsInForce }] = await Promise.all([import('@/db'), import('@/lib/thresholds/in-force')])
  return thresholdsInForce(await openAppStore())
}

export type ReportPeriod = { from: Date; to: Date }

/** The thresholds this process read last: the likely answer of the next read. */
const state = globalThis as unknown as { __custodyLastThresholds?: Thresholds }

/**
 * The one way pages, the HTTP API, the CLI and PDFs ask for a report: checks the
 * actor may read reports, loads the thresholds in force, runs the report's query. `now` is
 * its generated_at (an evidence pack's `--as-of`); default: the present.
 * The query starts at once with the thresholds read last (the defaults, version 0, in a new process) while
 * the app store is asked for the ones in force — a CLI start boots PGlite meanwhile — and runs
 * again only when they differ, so the answer always uses the thresholds in force. `readThresholds`: how they
 * are read (the CLI boots the embedded store in a worker thread: lib/cli/report-thresholds.ts).
 */
export async function evidenceReport<N extends ReportName>(
  actor: Actor,
  name: N,
  period: ReportPeriod,
  now?: Date,
  readThresholds: () => Promise<Thresholds> = fromAppStore,
) {
  requirePermission(actor, 'reports:read')
  const guess = state.__custodyLastThresholds ?? { ...DEFAULT_THRESHOLDS, version: 0 }
  const early = runReport(name, { ...period, thresholds: guess, now })
  early.catch(() => undefined) // awaited below when the guess holds; otherwise its outcome does not matter
  const thresholds = await readThresholds()
  state.__custodyLastThresholds = thresholds
  return isDeepStrictEqual(thresholds, guess) ? early : runReport(name, { ...period, thresholds, now })
}
