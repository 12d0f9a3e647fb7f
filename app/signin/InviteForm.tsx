'use client'

import { useActionState } from 'react'
import type { InviteAcceptance } from './actions'

type Props = { token: string; minLength: number; accept: (prev: InviteAcceptance, form: FormData) => Promise<InviteAcceptance> }

export function InviteForm({ token, minLength, accept }: Props) {
  const [state, action, pending] = useActionState(accept, null)
  return (
    <form action={action} className="stack" aria-label="Choose your password">
      {state?.error && <p role="alert" className="form-error">{state.error}</p>}
      <input type="hidden" name="token" value={token} />
      <label htmlFor="new-password">New password (at least {minLength} characters)</label>
      <input id="new-password" name="password" type="password" autoComplete="new-password" minLength={minLength} required autoFocus />
      <label htmlFor="confirm-password">Repeat the password</label>
      <input id="confirm-password" name="confirm" type="password" autoComplete="new-password" minLength={minLength} required />
      <button type="submit" disabled={pending}>{pending ? 'Saving…' : 'Set password'}</button>
    </form>
  )
}
