import type { NextAuthOptions } from 'next-auth'
import { openAppStore, type AppStore } from '@/db'
import { recordAudit } from './audit-trail'
import { custodyAdapter } from './adapter'
import { loadAuthConfig, type AuthConfig } from './config'
import { credentialsProvider } from './credentials'
import { oidcProvider, roleFromClaims, ssoRefusal } from './oidc'
import { requestOrigin } from './request'
import { endSession, startSession } from './sessions'

export const SESSION_COOKIE = '__Host-custody.session-token'

// `__Host-`: Secure, path /, no Domain, so no other host can set or read it. Chromium and
// Firefox treat http://localhost and http://127.0.0.1 as secure, so this works in the demo.
function hostCookie(name: string, maxAge?: number) {
  return {
    name: `__Host-custody.${name}`,
    options: { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: true, ...(maxAge ? { maxAge } : {}) },
  }
}

let built: { key: string; options: Promise<NextAuthOptions> } | undefined

/** next-auth's options, built once per configuration (the adapter needs the open store). */
export function authOptions(): Promise<NextAuthOptions> {
  const config = loadAuthConfig()
  // next-auth reads NEXTAUTH_URL from the environment at request time.
  process.env.NEXTAUTH_URL ??= config.url.origin
  const key = JSON.stringify([config.url.origin, config.secret, config.oidc && [...config.oidc.roleMap], config.oidc?.issuer])
  if (built?.key !== key) built = { key, options: openAppStore().then((db) => buildOptions(db, config)) }
  return built.options
}

function buildOptions(db: AppStore, config: AuthConfig): NextAuthOptions {
  const { oidc, sessionMaxAgeSeconds: maxAge } = config
  return {
    secret: config.secret,
    adapter: custodyAdapter(db),
    // Credentials sign-in requires next-auth's JWT strategy; the JWT carries only a
    // session id that lib/auth/sessions.ts checks against the database on every request.
    session: { strategy: 'jwt', maxAge },
    jwt: { maxAge },
    useSecureCookies: true,
    cookies: {
      sessionToken: hostCookie('session-token'),
      callbackUrl: hostCookie('callback-url'),
      csrfToken: hostCookie('csrf-token'),
      pkceCodeVerifier: hostCookie('pkce.code_verifier', 900),
      state: hostCookie('state', 900),
      nonce: hostCookie('nonce'),
    },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [credentialsProvider(db), ...(oidc ? [oidcProvider(oidc)] : [])],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.type !== 'oauth' || !oidc) return true
        const email = user.email?.trim().toLowerCase()
        const refusal = ssoRefusal(
          { email, disabledAt: 'disabledAt' in user ? (user.disabledAt as Date | null) : null },
          profile as Record<string, unknown> | undefined,
          oidc,
        )
        if (!refusal) return true
        const claimed = email || `${account.provider}:${account.providerAccountId}`
        await recordAudit(db, { claimed, origin: await requestOrigin() }, {
          action: 'sign_in_failed',
          target: claimed,
          detail: { provider: account.provider, reason: refusal },
        })
        return `/signin?error=${refusal}`
      },
      async jwt({ token, user, account, profile }) {
        if (!user || !account) return token
        const idpRole = account.type === 'oauth' && oidc ? roleFromClaims(profile as Record<string, unknown>, oidc) : null
        const sessionId = await startSession(db, {
          user: { id: user.id, email: (user.email ?? '').toLowerCase() },
          provider: account.provider,
          idpRole: idpRole ?? undefined,
          origin: await requestOrigin(),
          maxAgeSeconds: maxAge,
        })
        return { sub: user.id, sid: sessionId }
      },
      // The browser learns nothing from /api/auth/session: pages read the actor server-side.
      session: ({ session }) => ({ expires: session.expires }),
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === 'string') await endSession(db, token.sid, await requestOrigin())
      },
    },
  }
}
