'use client'

import { signIn } from 'next-auth/react'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { signInMessage } from './messages'

type Props = { callbackUrl: string; sso: { name: string } | null; initialError: string | null }
type Failure = { message: string; attempt: number } | null

export function SignInForm({ callbackUrl, sso, initialError }: Props) {
  const [failure, setFailure] = useState<Failure>(initialError ? { message: initialError, attempt: 0 } : null)
  const [pending, setPending] = useState(false)
  const password = useRef<HTMLInputElement>(null)

  // After a failed try, the alert is announced and the password is ready to be typed again.
  useEffect(() => {
    if (failure && failure.attempt > 0) password.current?.select()
  }, [failure])

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setPending(true)
    const result = await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      callbackUrl,
      redirect: false,
    }).catch(() => undefined)
    if (result?.ok && !result.error) {
      window.location.assign(result.url ?? callbackUrl)
      return
    }
    setPending(false)
    setFailure((f) => ({ message: signInMessage(result?.error ?? 'unknown') ?? '', attempt: (f?.attempt ?? 0) + 1 }))
  }

  return (
    <>
      <p id="signin-error" role="alert" className="form-error" hidden={!failure}>
        {failure?.message}
      </p>
      {/* method/action only matter if scripts are blocked: the password must never land in a URL. */}
      <form onSubmit={submit} method="post" action="/api/auth/callback/credentials" className="stack" aria-label="Sign in with a local account">
        <label htmlFor="email">E-mail</label>
        <input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        <label htmlFor="password">Password</label>
        <input
          ref={password}
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={failure ? true : undefined}
          aria-describedby={failure ? 'signin-error' : undefined}
        />
        <button type="submit" disabled={pending}>{pending ? 'Signing in…' : 'Sign in'}</button>
      </form>
      {sso && (
        <div className="sso">
          <p className="lede">Or use your company account:</p>
          <button type="button" onClick={() => signIn('oidc', { callbackUrl })}>
            Sign in with {sso.name}
          </button>
        </div>
      )}
    </>
  )
}
