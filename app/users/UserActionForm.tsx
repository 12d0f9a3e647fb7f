'use client'

import { useActionState, type ReactNode } from 'react'
import type { UserActionResult } from './actions'

type Props = {
  action: (prev: UserActionResult, form: FormData) => Promise<UserActionResult>
  label: string
  className?: string
  children: ReactNode
}

/** A server-action form that says what happened next to its button. */
export function UserActionForm({ action, label, className, children }: Props) {
  const [state, formAction, pending] = useActionState(action, null)
  return (
    <form action={formAction} aria-label={label} aria-busy={pending} className={className}>
      {children}
      <span role="status" className={state?.error ? 'form-error inline' : 'form-notice inline'}>
        {state?.error ?? state?.ok}
        {state?.inviteUrl && (
          <>
            {' '}
            <output className="invite-link" data-testid="invite-link">{state.inviteUrl}</output>
          </>
        )}
      </span>
    </form>
  )
}
