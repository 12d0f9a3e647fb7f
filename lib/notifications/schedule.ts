import { loadDeliveryPolicy } from './policy'
import { deliverDueNotifications } from './worker'

/** How often the server looks for due deliveries: well inside the one-minute promise. */
const POLL_MS = 5_000

/**
 * The delivery worker inside the dashboard's server: a pass every few seconds, never two at once.
 * A failing pass (the store briefly away) is logged and the next one tries again.
 */
export function startNotificationWorker(env: NodeJS.ProcessEnv = process.env): () => void {
  const policy = loadDeliveryPolicy(env)
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    deliverDueNotifications(policy)
      .catch((err) => console.error(`custody: notification worker: ${(err as Error).message}`))
      .finally(() => (running = false))
  }, POLL_MS)
  timer.unref()
  return () => clearInterval(timer)
}
