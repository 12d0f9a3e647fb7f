import { headers } from 'next/headers'
import { signedInActor } from '@/lib/auth/current'
import { loadAuthConfig } from '@/lib/auth/config'
import { MIN_PASSWORD_LENGTH } from '@/lib/users/manage'
import { acceptInvitation } from './actions'
import { InviteForm } from './InviteForm'
import { signInMessage } from './messages'
import { SignInForm } from './SignInForm'

export const dynamic = 'force-dynamic'

type Search = Promise<Record<string, string | string[] | undefined>>

// Public: the one page (with /api/auth) an anonymous visitor may load.
export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const search = await searchParams
  const one = (key: string) => (typeof search[key] === 'string' ? (search[key] as string) : null)
  const config = loadAuthConfig()
  const actor = await signedInActor()
  const invite = one('invite')
  const callbackUrl = safePath(one('callbackUrl'))
  return (
    <section className="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">{invite ? 'Choose your password' : 'Sign in to Custody'}</h1>
      <WrongHost expected={config.url.origin} />
      {one('notice') === 'PasswordSet' && <p role="status" className="form-notice">Your password is set. Sign in with it.</p>}
      {actor && !invite && (
        <p role="status" className="form-notice">
          You are signed in as {actor.email} ({actor.role}). <a href="/">Go to the overview</a>
        </p>
      )}
      {invite ? (
        <InviteForm token={invite} minLength={MIN_PASSWORD_LENGTH} accept={acceptInvitation} />
      ) : (
        <SignInForm
          callbackUrl={callbackUrl}
          sso={config.oidc ? { name: config.oidc.name } : null}
          initialError={signInMessage(one('error'))}
        />
      )}
    </section>
  )
}

/** Cookies and sign-in callbacks belong to NEXTAUTH_URL's origin; on another host sign-in cannot work. */
async function WrongHost({ expected }: { expected: string }) {
  const h = await headers()
  const host = h.get('x-forwarded-host') ?? h.get('host')
  if (!host || new URL(expected).host === host) return null
  return (
    <p role="alert" className="form-error">
      This dashboard is configured for <a href={expected}>{expected}</a> (NEXTAUTH_URL). Open it there to sign in.
    </p>
  )
}

function safePath(path: string | null): string {
  const external = !path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')
  return external || path.startsWith('/signin') ? '/' : path
}
