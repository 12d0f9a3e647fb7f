import type { OAuthConfig } from 'next-auth/providers/oauth'
import type { Role } from '@/db/schema'
import type { OidcConfig } from './config'
import { roleRank } from './permissions'

export const OIDC_PROVIDER_ID = 'oidc'

type OidcProfile = Record<string, unknown> & { sub: string; email?: string; name?: string }

/** A generic OpenID Connect provider: Okta, Entra ID, Keycloak, Auth0 all publish discovery documents. */
export function oidcProvider(oidc: OidcConfig): OAuthConfig<OidcProfile> {
  return {
    id: OIDC_PROVIDER_ID,
    name: oidc.name,
    type: 'oauth',
    wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    authorization: { params: { scope: oidc.scope } },
    idToken: true,
    checks: ['pkce', 'state'],
    profile: (p) => ({
      id: p.sub,
      email: typeof p.email === 'string' ? p.email.trim().toLowerCase() : '',
      name: typeof p.name === 'string' ? p.name : null,
    }),
  }
}

/**
 * The person's groups as the IdP keys them. A list element is either the group's
 * id (Entra object ids; names where the IdP has nothing else, Okta, Keycloak) or an
 * object whose `id` is used and whose display name is not: names can be chosen by
 * whoever creates a group, ids cannot. A string claim is one group, never split:
 * "custody-admins everyone" is not two groups.
 */
export function groupKeys(claims: Record<string, unknown> | undefined, oidc: OidcConfig): string[] {
  const raw = claims?.[oidc.groupsClaim]
  const items: unknown[] = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]
  return items.flatMap((g) => {
    if (typeof g === 'string') return [g]
    const id = g && typeof g === 'object' ? (g as { id?: unknown }).id : undefined
    return typeof id === 'string' ? [id] : []
  })
}

/** The highest role any of the person's groups maps to, or null when none does. */
export function roleFromClaims(claims: Record<string, unknown> | undefined, oidc: OidcConfig): Role | null {
  let best: Role | null = null
  for (const group of groupKeys(claims, oidc)) {
    const role = oidc.roleMap.get(group)
    if (role && (best === null || roleRank(role) > roleRank(best))) best = role
  }
  return best
}

/** Codes the SSO path sends to /signin?error=…, besides next-auth's own. */
export const SSO_ERRORS = { noRole: 'NoRole', noEmail: 'NoEmail', unverifiedEmail: 'EmailUnverified', disabled: 'AccountDisabled' } as const
export type SsoRefusal = (typeof SSO_ERRORS)[keyof typeof SSO_ERRORS]

/**
 * Why an SSO sign-in is refused, or null. The e-mail is Custody's identity key
 * (metrics.md), so the IdP must say it verified it: an IdP that lets people type any
 * address would otherwise let them sign in as someone else's Custody account.
 */
export function ssoRefusal(
  user: { email?: string | null; disabledAt?: Date | null },
  profile: Record<string, unknown> | undefined,
  oidc: OidcConfig,
): SsoRefusal | null {
  if (!user.email?.trim()) return SSO_ERRORS.noEmail
  // Some IdPs (Amazon Cognito) send the claim as a string.
  if (profile?.email_verified !== true && profile?.email_verified !== 'true') return SSO_ERRORS.unverifiedEmail
  if (!roleFromClaims(profile, oidc)) return SSO_ERRORS.noRole
  if (user.disabledAt) return SSO_ERRORS.disabled
  return null
}
