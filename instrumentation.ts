// Runs once when the dashboard's server starts (Next's instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { stampClientAddresses } = await import('./lib/auth/client-address')
  const { loadTrustedProxyHops } = await import('./lib/auth/config')
  stampClientAddresses(loadTrustedProxyHops())
}
