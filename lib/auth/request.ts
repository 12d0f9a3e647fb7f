import { headers } from 'next/headers'
import type { RequestOrigin } from './actor'
import { CLIENT_ADDRESS_HEADER } from './client-address'
import { loadAuthConfig, type AuthConfig } from './config'

type HeaderSource = { get(name: string): string | null }

/** Where the current request came from (inside a Next request only). */
export async function requestOrigin(): Promise<RequestOrigin> {
  return originOf(await headers())
}

/**
 * The address the HTTP server stamped (lib/auth/client-address.ts: the socket's
 * peer, or what the configured trusted proxies saw), never X-Forwarded-For itself.
 */
export function originOf(h: HeaderSource): RequestOrigin {
  return { ip: h.get(CLIENT_ADDRESS_HEADER) || null, userAgent: h.get('user-agent') }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Refuses a state-changing request a browser sent from another site: its Origin
 * must be the dashboard's configured origin or the origin of its Host header
 * (the same rule Next applies to server actions). Requests with neither Origin
 * nor Sec-Fetch-Site come from no browser, so carry no ambient cookies to abuse.
 */
export function isCrossSiteWrite(request: Request, config: AuthConfig = loadAuthConfig()): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false
  const origin = request.headers.get('origin')
  if (!origin) return request.headers.get('sec-fetch-site') === 'cross-site'
  return !allowedOrigins(request, config).includes(origin)
}

function allowedOrigins(request: Request, config: AuthConfig): string[] {
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host')
  const proto = request.headers.get('x-forwarded-proto') ?? new URL(request.url).protocol.replace(':', '')
  return [config.url.origin, ...(host ? [`${proto}://${host}`] : [])]
}
