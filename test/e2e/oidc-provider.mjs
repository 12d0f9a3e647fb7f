// A real OpenID provider for the e2e tests (oidc-provider, its built-in dev login pages).
// Usage: node test/e2e/oidc-provider.mjs <port> <dashboard origin>
// Any login name and password are accepted. A login "<role>-..." (admin-, security-,
// compliance-, auditor-) is in that role's Custody group; any other login is in none.
// A login "unverified-<role>-..." is the same, with an e-mail the IdP has not verified.
import Provider from 'oidc-provider'

const port = Number(process.argv[2] ?? 3200)
const dashboard = process.argv[3] ?? 'http://127.0.0.1:3100'
const issuer = `http://127.0.0.1:${port}`

export const ROLE_GROUPS = {
  admin: 'custody-admins',
  security: 'custody-security',
  compliance: 'custody-compliance',
  auditor: 'custody-auditors',
}

function claimsFor(login) {
  const unverified = login.startsWith('unverified-')
  const group = ROLE_GROUPS[login.replace(/^unverified-/, '').split('-')[0]]
  return {
    sub: login,
    email: `${login}@sso.example.test`,
    email_verified: !unverified,
    name: `SSO ${login}`,
    groups: group ? [group, 'everyone'] : ['everyone'],
  }
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'custody',
      client_secret: 'custody-e2e-client-secret',
      redirect_uris: [`${dashboard}/api/auth/callback/oidc`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => claimsFor(id) }),
  cookies: { keys: ['custody-e2e-only'] },
  pkce: { required: () => true },
  // Without this the ID token carries only `sub`, and next-auth reads the profile from it.
  conformIdTokenClaims: false,
})

provider.listen(port, '127.0.0.1', () => process.stdout.write(`oidc-provider ready on ${issuer}\n`))
