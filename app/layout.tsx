import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { mayDo } from '@/lib/auth/actor'
import { signedInActor } from '@/lib/auth/current'
import { SignOutButton } from './components/SignOutButton'
import './globals.css'
import './auth.css'

export const metadata: Metadata = {
  title: 'Custody — SOC 2 evidence for AI-agent access',
  description: 'Who did it, how old was the credential, how fast was access removed.',
}

// The navigation only hides links; each page checks the actor itself (lib/auth/current.ts).
export default async function RootLayout({ children }: { children: ReactNode }) {
  const actor = await signedInActor()
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a className="brand" href="/">Custody</a>
          {actor && (
            <nav aria-label="Main">
              <a href="/">Overview</a>
              <a href="/audit">Audit trail</a>
              {mayDo(actor, 'users:manage') && <a href="/users">Users</a>}
              {mayDo(actor, 'ingest-tokens:manage') && <a href="/tokens">Ingest tokens</a>}
            </nav>
          )}
          <div className="who">
            {actor ? (
              <>
                <span data-testid="signed-in-as">{actor.email} ({actor.role})</span>
                <SignOutButton />
              </>
            ) : (
              <a href="/signin">Sign in</a>
            )}
          </div>
        </header>
        <main>{children}</main>
      </body>
    </html>
  )
}
