import { afterAll } from 'vitest'
import { closeAppStore, openAppStore } from '@/db'
import { alertEvents, alerts, thresholdHistory, thresholds } from '@/db/schema'
import type { Alert } from '@/lib/alerts/alert'
import { evaluateAlerts } from '@/lib/alerts/evaluate'
import type { RuleId } from '@/lib/alerts/rules'
import { cliActor } from '@/lib/auth/actor'
import { changeThresholds } from '@/lib/thresholds/change'
import { emptyStore, useReportStore } from '../reports/setup'

/** chDB and PGlite in one fresh data dir for this file (the app store closes before the dir goes). */
export function useAlertStores(name: string): void {
  useReportStore(`alerts-${name}`)
  afterAll(async () => {
    await closeAppStore()
  })
}

/** No events, no alerts, thresholds at their defaults. */
export async function freshStores(): Promise<void> {
  await emptyStore()
  const db = await openAppStore()
  await db.delete(alertEvents)
  await db.delete(alerts)
  await db.delete(thresholdHistory)
  await db.delete(thresholds)
}

/** Sets thresholds as security staff do (validated, versioned). */
export async function setThresholds(settings: unknown): Promise<void> {
  await changeThresholds(cliActor, { settings, reason: 'test' })
}

/** Evaluates every rule and answers the alerts not resolved of one rule. */
export async function alertsOf(rule: RuleId): Promise<Alert[]> {
  const run = await evaluateAlerts()
  return run.alerts.filter((a) => a.rule === rule)
}
