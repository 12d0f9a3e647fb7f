import { Suspense, type ReactNode } from 'react'

/**
 * A card whose body streams: the page shell and the other cards render while this one's
 * report is still running (a slow report never blocks the page).
 */
export function Section({ title, lede, children, actions }: { title: string; lede?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {lede && <p className="lede">{lede}</p>}
      <Suspense fallback={<p className="loading" role="status">Loading {title.toLowerCase()}…</p>}>{children}</Suspense>
    </section>
  )
}

/** What failed, in words: the report or list, and the engine's message. */
export function Failed({ what, message }: { what: string; message: string }) {
  return (
    <div className="failed" role="alert">
      <strong>Could not load {what}.</strong> {message}
      <p>Other numbers on this page are unaffected. Reload to try again; if it persists, check the server log for this time.</p>
    </div>
  )
}

/** Empty population: says what to ingest to fill it. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>
}
