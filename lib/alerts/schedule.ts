import { z } from 'zod'
import { alertEvaluationsEnded, evaluateAlertsSoon } from './evaluate'

const intervalSchema = z.coerce
  .number({ message: 'CUSTODY_ALERT_INTERVAL_SECONDS must be a number of seconds' })
  .int('CUSTODY_ALERT_INTERVAL_SECONDS must be whole seconds')
  .min(5, 'CUSTODY_ALERT_INTERVAL_SECONDS must be at least 5')
  .max(3600, 'CUSTODY_ALERT_INTERVAL_SECONDS may be at most 3600')
  .default(60)

/** Seconds between scheduled evaluations inside the server (CUSTODY_ALERT_INTERVAL_SECONDS, default 60). */
export function alertIntervalSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = intervalSchema.safeParse(env.CUSTODY_ALERT_INTERVAL_SECONDS || undefined)
  if (!parsed.success) throw new Error(`Invalid Custody configuration: ${parsed.error.issues[0].message}`)
  return parsed.data
}

const state = globalThis as unknown as { __custodyAlertSchedule?: NodeJS.Timeout }

/**
 * Evaluates the alert rules every interval in the process that holds the data (the dashboard's
 * server), so alerts follow the data even when nothing is ingested (a source falling silent,
 * a trigger passing its SLA). An evaluation still running when the next is due is not doubled
 * (evaluateAlertsSoon). Started once per process. Returns its stop, which resolves once the evaluation
 * running then has ended.
 */
export function scheduleAlertEvaluation(seconds = alertIntervalSeconds()): () => Promise<void> {
  const stop = async () => {
    clearInterval(state.__custodyAlertSchedule)
    state.__custodyAlertSchedule = undefined
    await alertEvaluationsEnded()
  }
  if (state.__custodyAlertSchedule) return stop
  state.__custodyAlertSchedule = setInterval(() => void evaluateAlertsSoon(), seconds * 1000)
  state.__custodyAlertSchedule.unref()
  void evaluateAlertsSoon()
  return stop
}
