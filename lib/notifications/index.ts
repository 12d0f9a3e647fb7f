import type { AlertChanges } from '@/lib/alerts/alert'

/**
 * Tells people about alerts an evaluation raised or resolved. Called once per evaluation
 * that changed something, after the change is stored. Until destinations exist (webhooks,
 * Slack, e-mail: issue 13, Deliver 3), the server log is the one destination.
 */
export async function notifyAlertChanges(changes: AlertChanges): Promise<void> {
  for (const alert of changes.fired) {
    console.warn(`custody: alert ${alert.rule} firing for ${alert.subject}: ${alert.value} > ${alert.threshold} since ${alert.since} (${alert.link})`)
  }
  for (const alert of changes.resolved) console.info(`custody: alert ${alert.rule} resolved for ${alert.subject}`)
}
