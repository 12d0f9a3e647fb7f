import { NextResponse, type NextRequest } from 'next/server'
import { contentSecurityPolicy, PATH_HEADER } from './lib/auth/headers'
import { csvDownloadTarget } from './lib/populations/csv-routes'

// Headers, and the CSV rewrite. Authorization never happens here: every page, route handler
// and server action checks the session itself (lib/auth/current.ts) and holds with this file
// deleted. A page's `?format=csv` goes to the route handler that streams its population
// (lib/populations/csv-routes.ts): a page cannot answer CSV.
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64')
  const csp = contentSecurityPolicy(nonce)
  const forwarded = new Headers(request.headers)
  forwarded.set('Content-Security-Policy', csp) // Next reads the nonce from here
  forwarded.set(PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search) // where to return after sign-in
  const csv = request.method === 'GET' ? csvDownloadTarget(request.nextUrl.pathname, request.nextUrl.searchParams) : null
  const response = csv
    ? NextResponse.rewrite(new URL(csv, request.url), { request: { headers: forwarded } })
    : NextResponse.next({ request: { headers: forwarded } })
  response.headers.set('Content-Security-Policy', csp)
  return response
}

export const config = { matcher: '/:path*' }
