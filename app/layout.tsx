import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { headers } from 'next/headers'
import { PATH_HEADER } from '@/lib/auth/headers'
import { signedInActor } from '@/lib/auth/current'
import { Nav } from './components/Nav'
import { SignOutButton } from './components/SignOutButton'
import './globals.css'
import './auth.css'
import './dashboard.css'

export const metadata: Metadata = {
  title: 'Custody — SOC 2 evidence for AI-agent access',
  description: 'Who did it, how old was the credential, how fast was access removed.',
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const actor = await signedInActor()
  const path = ((await headers()).get(PATH_HEADER) ?? '/').split('?')[0]
  return (
    <html lang="en">
      <body>
        <a className="skip" href="#content">Skip to content</a>
        <header className="top">
          <a className="brand" href="/">Custody</a>
          {actor && <Nav actor={actor} path={path} />}
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
        <main id="content">{children}</main>
      </body>
    </html>
  )
}
