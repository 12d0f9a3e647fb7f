import type { RuleId } from '@/lib/alerts/rules'

/** One step of the evaluation, warm: the median of the timed runs after a warm-up. */
export type TimedStep = { seconds: number; runs: number[] }

/** What the evaluation process hands back to the alert benchmark (alerts.json). */
export type AlertsSide = {
  /** opening the app store the first time (a fresh data dir creates and migrates it), before any evaluation */
  storeSeconds: number
  /** the first evaluateAlerts() of a fresh process on the freshly generated data: every breach opens an alert */
  coldSeconds: number
  /** evaluateAlerts() again, every alert already open (dedup only) */
  warm: TimedStep
  newestEvent: TimedStep
  rules: Record<RuleId, TimedStep & { breaches: number }>
  alertsOpen: number
}
