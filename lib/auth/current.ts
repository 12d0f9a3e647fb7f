import { decode } from 'next-auth/jwt'
import { cookies, headers } from 'next/headers'
import { forbidden, redirect, unauthorized } from 'next/navigation'
import { cache } from 'react'
import { openAppStore } from '@/db'
import { AccessDenied, requirePermission, type UserActor } from './actor'
import { recordAudit } from './audit-trail'
import { loadAuthConfig } from './config'
import { PATH_HEADER } from './headers'
import { SESSION_COOKIE } from './options'
import type { Permission } from './permissions'
import { isCrossSiteWrite, requestOrigin } from './request'
import { sessionUser } from './sessions'

/**
 * The signed-in user making this request, checked against the database now, or null.
 * Cached per request: a page and its layout look the session up once.
 */
export const signedInActor = cache(async (): Promise<UserActor | null> => {
  const raw = (await cookies()).get(SESSION_COOKIE)?.value
  if (!raw) return null
  const token = await decode({ token: raw, secret: loadAuthConfig().secret }).catch(() => null)
  if (typeof token?.sid !== 'string') return null
  const user = await sessionUser(await openAppStore(), token.sid)
  if (!user) return null
  return { kind: 'user', ...user, sessionId: token.sid, origin: await requestOrigin() }
})

/**
 * THE entry point of every page, route handler and server action: the actor, who
 * holds `permission`, or no further. Anonymous, expired, signed-out and disabled
 * users go to /signin (a route handler, which passes its `request`, answers 401);
 * a user without the permission gets 403, recorded as `access_denied`. Route
 * handlers also refuse cross-site writes (403). Needs no middleware.
 */
export async function currentActor(permission: Permission, request?: Request): Promise<UserActor> {
  if (request && isCrossSiteWrite(request)) forbidden()
  const actor = await signedInActor()
  if (!actor) {
    if (request) unauthorized()
    redirect(await signInPath())
  }
  try {
    requirePermission(actor, permission)
  } catch (err) {
    if (!(err instanceof AccessDenied)) throw err
    await recordAudit(await openAppStore(), actor, { action: 'access_denied', target: permission })
    forbidden()
  }
  return actor
}

async function signInPath(): Promise<string> {
  const back = (await headers()).get(PATH_HEADER)
  const hadSession = (await cookies()).has(SESSION_COOKIE)
  const query = new URLSearchParams()
  if (back && back.startsWith('/') && !back.startsWith('//') && !back.startsWith('/signin')) query.set('callbackUrl', back)
  if (hadSession) query.set('error', 'SessionEnded')
  const qs = query.toString()
  return qs ? `/signin?${qs}` : '/signin'
}
