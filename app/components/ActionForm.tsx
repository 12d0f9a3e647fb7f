'use client'

import { useActionState, type ReactNode } from 'react'

/** What a server action behind an ActionForm answers: a notice or an error, and a value shown this once (an invitation link, a new token). */
export type ActionResult = { ok?: string; error?: string; shownOnce?: string } | null

type Props = {
  action: (prev: ActionResult, form: FormData) => Promise<ActionResult>
  label: string
  className?: string
  /** the test id of the value shown once */
  shownOnceTestId?: string
  children: ReactNode
}

/** A server-action form that says what happened next to its button, and shows a one-time value the one time it exists. */
export function ActionForm({ action, label, className, shownOnceTestId, children }: Props) {
  const [state, formAction, pending] = useActionState(action, null)
  return (
    <form action={formAction} aria-label={label} aria-busy={pending} className={className}>
      {children}
      <span role="status" className={state?.error ? 'form-error inline' : 'form-notice inline'}>
        {state?.error ?? state?.ok}
        {state?.shownOnce && (
          <>
            {' '}
            <output className="invite-link" data-testid={shownOnceTestId}>{state.shownOnce}</output>
          </>
        )}
      </span>
    </form>
  )
}
