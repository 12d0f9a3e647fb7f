import type { AlertChanges } from '@/lib/alerts/alert'

/**
 * Tells people about alerts an evaluation raised or resolved. Called once per evaluation
 * that changed something, after the change is stored. Until destinations exist (webhooks,
 * Slack, e-mail: issue 13, Deliver 3), the dashboard server's log is the one destination; a
 * command keeps its output to what it was asked for (`alerts run` lists the alerts).
 */
export async function notifyAlertChanges(changes: AlertChanges): Promise<void> {
  if (!process.env.NEXT_RUNTIME) return
  for (const alert of changes.fired) {
    console.warn(`custody: alert ${alert.rule} firing for ${alert.subject}: ${alert.value} (threshold ${alert.threshold}) since ${alert.since} — ${alert.link}`)
  }
  for (const alert of changes.resolved) console.info(`custody: alert ${alert.rule} resolved for ${alert.subject}`)
}
