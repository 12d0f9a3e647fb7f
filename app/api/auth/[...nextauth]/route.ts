import NextAuth from 'next-auth'
import type { NextRequest } from 'next/server'
import { openAppStore } from '@/db'
import { authOptions } from '@/lib/auth/options'
import { SIGN_IN_ERRORS, signInLimitsOf } from '@/lib/auth/password-sign-in'
import { isCrossSiteWrite, requestOrigin } from '@/lib/auth/request'

export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ nextauth: string[] }> }

// Public by nature: this is where people sign in. next-auth checks its own CSRF token on
// every POST; the Origin check below refuses cross-site posts before it gets that far.
async function handle(request: NextRequest, context: Context): Promise<Response> {
  if (isCrossSiteWrite(request)) return Response.json({ error: 'cross-site request refused' }, { status: 403 })
  const form = request.method === 'POST' ? request.clone() : null
  const response: Response = await (NextAuth as unknown as (r: NextRequest, c: Context, o: unknown) => Promise<Response>)(
    request,
    context,
    await authOptions(),
  )
  return form ? rateLimitedAs429(response, form) : response
}

/** next-auth answers a throttled sign-in with 401 and ?error=RateLimited; say 429 and when to retry. */
async function rateLimitedAs429(response: Response, form: Request): Promise<Response> {
  if (response.status !== 401 || !response.headers.get('content-type')?.includes('application/json')) return response
  const body = (await response.clone().json()) as { url?: string }
  if (!body.url || new URL(body.url, 'http://x').searchParams.get('error') !== SIGN_IN_ERRORS.rateLimited) return response
  const email = String(new URLSearchParams(await form.text()).get('email') ?? '').trim().toLowerCase()
  const retryAfter = await signInLimitsOf(await openAppStore()).retryAfterSeconds({ email, ip: (await requestOrigin()).ip })
  const headers = new Headers(response.headers)
  headers.set('Retry-After', String(Math.max(1, retryAfter)))
  return new Response(JSON.stringify(body), { status: 429, headers })
}

export { handle as GET, handle as POST }
