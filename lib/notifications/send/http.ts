/** How one attempt ended: an HTTP status (2xx is delivered), or an error before any answer. */
export type AttemptOutcome = { ok: boolean; statusCode: number | null; error: string | null }

/**
 * POSTs JSON with a per-attempt timeout. Redirects are not followed: a destination URL names
 * the receiver, and a 3xx must not steer Custody's request (and its signature) elsewhere.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<AttemptOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'Custody-Notifications/1', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    await response.body?.cancel()
    const ok = response.status >= 200 && response.status < 300
    return { ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}` }
  } catch (err) {
    const e = err as Error
    const error = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause as Error | undefined)?.message ?? e.message
    return { ok: false, statusCode: null, error }
  }
}
