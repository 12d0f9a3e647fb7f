/**
 * Response headers for every path (next.config.ts `headers()`), and the CSP that
 * proxy.ts adds with a fresh nonce per request.
 *
 * CSP choice: a per-request nonce with 'strict-dynamic' for scripts, not
 * 'unsafe-inline'. Next's App Router streams inline <script> tags; with a nonce in
 * the request's CSP header Next stamps them, so injected markup cannot run script.
 * The price is that every page renders dynamically, which Custody's pages do
 * anyway (they read the session). Styles keep 'unsafe-inline': React and recharts
 * write style attributes, which nonces cannot cover, and style injection cannot
 * run code.
 */
export const SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  // Invitation links carry a token in the query: never send URLs to another origin.
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
]

export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    "default-src 'self'",
    // React needs eval only in development, for its debugging stacks.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? ' ws:' : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Set by proxy.ts: the path to return to after sign-in. Only ever used as a same-site path. */
export const PATH_HEADER = 'x-custody-path'
