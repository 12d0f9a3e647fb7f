/** What the sign-in page says for each `?error=` code (next-auth's and Custody's). */
export const SIGN_IN_MESSAGES: Record<string, string> = {
  CredentialsSignin: 'Wrong e-mail or password.',
  RateLimited: 'Too many failed sign-ins. Wait a minute and try again: each further failure makes the wait longer.',
  AccountDisabled: 'This account is disabled. Ask a Custody admin to enable it.',
  NoRole: 'Your identity-provider account is in none of the groups Custody maps to a role. Ask an admin to add you to one.',
  NoEmail: 'Your identity provider sent no e-mail address, so Custody cannot tell who you are.',
  EmailUnverified: 'Your identity provider has not verified your e-mail address, so Custody cannot tell who you are. Verify it there, then sign in again.',
  OAuthAccountNotLinked: 'This e-mail belongs to a local Custody account: sign in with its password.',
  SessionEnded: 'Your session has ended. Sign in again.',
}

export const FALLBACK_MESSAGE = 'Sign-in failed. Try again, or ask a Custody admin.'

export function signInMessage(code: string | null | undefined): string | null {
  if (!code) return null
  return SIGN_IN_MESSAGES[code] ?? FALLBACK_MESSAGE
}
