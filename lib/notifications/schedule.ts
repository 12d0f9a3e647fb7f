import { loadDeliveryPolicy } from './policy'
import { deliverDueNotifications } from './worker'

/** How often the server looks for due deliveries: well inside the one-minute promise. */
const POLL_MS = 5_000

/**
 * The delivery worker inside the dashboard's server: a pass every few seconds, never two at once.
 * A failing pass (the store briefly away) is logged and the next one tries again. Returns its stop,
 * which resolves once the pass running then has ended.
 */
export function startNotificationWorker(env: NodeJS.ProcessEnv = process.env): () => Promise<void> {
  const policy = loadDeliveryPolicy(env)
  let running: Promise<void> | null = null
  const timer = setInterval(() => {
    if (running) return
    running = deliverDueNotifications(policy)
      .then(
        () => undefined,
        (err: Error) => console.error(`custody: notification worker: ${err.message}`),
      )
      .finally(() => (running = null))
  }, POLL_MS)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
