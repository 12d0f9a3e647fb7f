'use client'

import { useActionState, type ReactNode } from 'react'
import type { TokenActionResult } from './actions'

type Props = {
  action: (prev: TokenActionResult, form: FormData) => Promise<TokenActionResult>
  label: string
  className?: string
  children: ReactNode
}

/** A server-action form that says what happened, and shows a new token the one time it exists. */
export function TokenActionForm({ action, label, className, children }: Props) {
  const [state, formAction, pending] = useActionState(action, null)
  return (
    <form action={formAction} aria-label={label} aria-busy={pending} className={className}>
      {children}
      <span role="status" className={state?.error ? 'form-error inline' : 'form-notice inline'}>
        {state?.error ?? state?.ok}
        {state?.token && (
          <>
            {' '}
            <output className="invite-link" data-testid="new-token">{state.token}</output>
          </>
        )}
      </span>
    </form>
  )
}
