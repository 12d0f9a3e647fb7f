// Runs once when the dashboard's server starts (Next's instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { stampClientAddresses } = await import('./lib/auth/client-address')
  const { loadTrustedProxyHops } = await import('./lib/auth/config')
  stampClientAddresses(loadTrustedProxyHops())
  const { loadConfig } = await import('./lib/config')
  const config = loadConfig()
  if (!config.databaseUrl && !config.clickhouse.url) {
    // The dashboard owns its embedded stores from the start; the CLI then hands its work to it.
    const { acquireDataDirLock } = await import('./lib/store/lock')
    const { publishLocalHandoff } = await import('./lib/intake/local-handoff')
    try {
      acquireDataDirLock(config.dataDir)
      publishLocalHandoff(config.dataDir, process.env.PORT)
    } catch (err) {
      console.error(`custody: ${(err as Error).message}`)
      return // another process holds the data: it evaluates the alerts
    }
  }
  const { scheduleAlertEvaluation } = await import('./lib/alerts/schedule')
  const stopAlerts = scheduleAlertEvaluation()
  const { startNotificationWorker } = await import('./lib/notifications/schedule')
  const stopNotifications = startNotificationWorker()
  if (!config.databaseUrl || !config.clickhouse.url) {
    // an embedded store is closed before the process exits (lib/store/shutdown.ts)
    const { closeStoresOnSignal } = await import('./lib/store/shutdown')
    closeStoresOnSignal(async () => {
      await Promise.all([stopAlerts(), stopNotifications()])
    })
  }
}
