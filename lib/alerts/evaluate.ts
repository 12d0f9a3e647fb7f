import { openAppStore } from '@/db'
import { attributionReady } from '@/lib/attribution/maintain'
import { readState } from '@/lib/attribution/maintain/state'
import { notifyAlertChanges } from '@/lib/notifications'
import { settingsInForce } from '@/lib/thresholds/in-force'
import type { AlertRun } from './alert'
import { RULE_QUERIES, type Breach } from './breaches'
import { newestEventTime } from './newest-event'
import { RULE_IDS, type RuleId } from './rules'
import { lastEvaluation, recordEvaluation, unresolvedAlerts } from './state'

const state = globalThis as unknown as { __custodyAlertEvaluation?: Promise<unknown>; __custodyAlertQueued?: Promise<Date> }

/**
 * Evaluates every alert rule against the data stored now (one ClickHouse query per enabled
 * rule, windows ending at the newest event), stores the alerts' new states, notifies what
 * fired or resolved, and answers every alert not resolved. Evaluations in one process run one
 * after another, never overlapping (an ingest batch and the schedule may ask at once).
 */
export async function evaluateAlerts(): Promise<AlertRun> {
  const previous = state.__custodyAlertEvaluation ?? Promise.resolve()
  const run = previous.catch(() => undefined).then(() => evaluateOnce(false))
  state.__custodyAlertEvaluation = run
  const evaluatedAt = await run
  return { evaluated_at: evaluatedAt.toISOString(), alerts: await unresolvedAlerts(await openAppStore()) }
}

/**
 * Asks for an evaluation after data arrived (an intake post, the schedule) without waiting for
 * it: one already waiting to start covers this request too, so a burst of posts queues one
 * evaluation, not one each. Failures are logged; the next request tries again.
 */
export function evaluateAlertsSoon(): Promise<Date | null> {
  if (!state.__custodyAlertQueued) {
    const previous = state.__custodyAlertEvaluation ?? Promise.resolve()
    const run = previous.catch(() => undefined).then(() => {
      state.__custodyAlertQueued = undefined
      return evaluateOnce(false)
    })
    state.__custodyAlertQueued = run
    state.__custodyAlertEvaluation = run
  }
  return state.__custodyAlertQueued.catch((err: unknown) => {
    console.error(`custody: alert evaluation failed: ${(err as Error).message}`)
    return null
  })
}

/** Resolves once the evaluation running or queued now (if any) has ended, however it ended. */
export async function alertEvaluationsEnded(): Promise<void> {
  await state.__custodyAlertEvaluation?.catch(() => undefined)
}

/**
 * After an ingest (`custody ingest`): evaluates only when what the rules read moved since the
 * latest evaluation (ruleInputs). An ingest that stored nothing new (every record a duplicate)
 * then costs one state read instead of every rule's query; one that crashed before its
 * evaluation is still caught up by the next, since its records moved the watermarks. Answers
 * when the evaluation that stands was made; the alerts stay in the store (`alerts run` lists them).
 */
export function evaluateAlertsAfterIngest(): Promise<Date> {
  const previous = state.__custodyAlertEvaluation ?? Promise.resolve()
  const run = previous.catch(() => undefined).then(() => evaluateOnce(true))
  state.__custodyAlertEvaluation = run
  return run
}

/** Answers when the evaluation that now stands was made. */
async function evaluateOnce(skipWhenUnchanged: boolean): Promise<Date> {
  await attributionReady() // the rules read the stored attribution: bring it up to date first
  const db = await openAppStore()
  const { version, settings } = await settingsInForce(db)
  const inputs = await ruleInputs(version)
  const last = skipWhenUnchanged ? await lastEvaluation(db) : null
  if (last?.inputs === inputs) return last.evaluatedAt
  const evaluatedAt = new Date()
  const newest = await newestEventTime()
  if (newest) {
    const breaches = {} as Record<RuleId, Breach[]>
    for (const rule of RULE_IDS) breaches[rule] = settings.alert_rules[rule].enabled ? await RULE_QUERIES[rule]({ newest, settings }) : []
    const changes = await recordEvaluation(db, breaches, evaluatedAt, inputs)
    // the new states are stored: a notification that fails is the notifier's to retry, not the evaluation's
    if (changes.fired.length > 0 || changes.resolved.length > 0) {
      await notifyAlertChanges(changes).catch((err: unknown) => console.error(`custody: alert notification failed: ${(err as Error).message}`))
    }
  }
  return evaluatedAt
}

/**
 * Everything the rules read, as one key: the stored attribution's IdP generation and input
 * watermarks (every stored record, late IdP fact or rebuild moves one; the newest event and each
 * rule's window follow from them) and the thresholds version (the rules' settings).
 */
async function ruleInputs(thresholdsVersion: number): Promise<string> {
  const attribution = await readState()
  return JSON.stringify({ attribution, thresholds: thresholdsVersion })
}
