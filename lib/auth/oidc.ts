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
 * The highest role any of the person's groups maps to, or null when none does.
 * The claim may be a list (Okta, Keycloak, Entra object ids) or one
 * space- or comma-separated string.
 */
export function roleFromClaims(claims: Record<string, unknown> | undefined, oidc: OidcConfig): Role | null {
  const raw = claims?.[oidc.groupsClaim]
  const groups = Array.isArray(raw)
    ? raw.filter((g): g is string => typeof g === 'string')
    : typeof raw === 'string'
      ? raw.split(/[\s,]+/).filter(Boolean)
      : []
  let best: Role | null = null
  for (const group of groups) {
    const role = oidc.roleMap.get(group)
    if (role && (best === null || roleRank(role) > roleRank(best))) best = role
  }
  return best
}
