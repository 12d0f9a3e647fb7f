import { isDeepStrictEqual } from 'node:util'
import { openAppStore } from '@/db'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { thresholdsInForce } from '@/lib/thresholds/in-force'
import { DEFAULT_THRESHOLDS, runReport, type ReportName, type Thresholds } from './index'

export type ReportPeriod = { from: Date; to: Date }

/** The thresholds this process read last: the likely answer of the next read. */
const state = globalThis as unknown as { __custodyLastThresholds?: Thresholds }

/**
 * The one way pages, the HTTP API, the CLI and PDFs ask for a report: checks the
 * actor may read reports, loads the thresholds in force, runs the report's query. `now` is
 * its generated_at (an evidence pack's `--as-of`); default: the present.
 * The query starts at once with the thresholds read last (the defaults, version 0, in a new process) while
 * the app store is asked for the ones in force — a CLI start boots PGlite meanwhile — and runs
 * again only when they differ, so the answer always uses the thresholds in force.
 */
export async function evidenceReport<N extends ReportName>(actor: Actor, name: N, period: ReportPeriod, now?: Date) {
  requirePermission(actor, 'reports:read')
  const guess = state.__custodyLastThresholds ?? { ...DEFAULT_THRESHOLDS, version: 0 }
  const early = runReport(name, { ...period, thresholds: guess, now })
  early.catch(() => undefined) // awaited below when the guess holds; otherwise its outcome does not matter
  const thresholds = await thresholdsInForce(await openAppStore())
  state.__custodyLastThresholds = thresholds
  return isDeepStrictEqual(thresholds, guess) ? early : runReport(name, { ...period, thresholds, now })
}
