import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { roles, type Role } from '@/db/schema'
import { loadConfig } from '@/lib/config'

const DEFAULT_ROLE_MAP = 'custody-auditors=auditor,custody-compliance=compliance,custody-security=security,custody-admins=admin'

const publicUrl = z.url().default('http://localhost:3000')

// No proxy is trusted unless the operator says how many there are: a client's own
// X-Forwarded-For must never choose the address sign-in throttling counts against.
const trustedProxyHops = z.coerce.number().int().min(0).max(10).default(0)

const authEnvSchema = z
  .object({
    NEXTAUTH_URL: publicUrl,
    NEXTAUTH_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
    CUSTODY_OIDC_ISSUER: z.url().optional(),
    CUSTODY_OIDC_CLIENT_ID: z.string().optional(),
    CUSTODY_OIDC_CLIENT_SECRET: z.string().optional(),
    CUSTODY_OIDC_NAME: z.string().default('SSO'),
    CUSTODY_OIDC_SCOPE: z.string().default('openid email profile'),
    CUSTODY_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
    CUSTODY_OIDC_ROLE_MAP: z.string().default(DEFAULT_ROLE_MAP),
    CUSTODY_SESSION_MAX_AGE_SECONDS: z.coerce.number().int().min(300).max(7 * 24 * 3600).default(8 * 3600),
    CUSTODY_TRUSTED_PROXY_HOPS: trustedProxyHops,
  })
  .refine(
    (e) => [e.CUSTODY_OIDC_ISSUER, e.CUSTODY_OIDC_CLIENT_ID, e.CUSTODY_OIDC_CLIENT_SECRET].filter(Boolean).length % 3 === 0,
    'CUSTODY_OIDC_ISSUER, CUSTODY_OIDC_CLIENT_ID and CUSTODY_OIDC_CLIENT_SECRET go together: set all three or none',
  )

export type OidcConfig = {
  issuer: string
  clientId: string
  clientSecret: string
  name: string
  scope: string
  groupsClaim: string
  /** IdP group id (a name only where the IdP gives no id) → Custody role. A person in several mapped groups gets the highest role. */
  roleMap: ReadonlyMap<string, Role>
}

export type AuthConfig = {
  /** The dashboard's public origin, e.g. http://localhost:3000; sign-in callbacks return here. */
  url: URL
  secret: string
  oidc: OidcConfig | null
  sessionMaxAgeSeconds: number
  /** Reverse proxies in front of the dashboard: the client is this many X-Forwarded-For entries left of the peer. */
  trustedProxyHops: number
}

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const parsed = authEnvSchema.safeParse(stripEmpty(env))
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'OIDC'}: ${i.message}`).join('; ')
    throw new Error(`Invalid Custody sign-in configuration: ${issues}`)
  }
  const e = parsed.data
  return {
    url: new URL(e.NEXTAUTH_URL),
    secret: e.NEXTAUTH_SECRET ?? embeddedSecret(loadConfig(env).dataDir),
    oidc: e.CUSTODY_OIDC_ISSUER && e.CUSTODY_OIDC_CLIENT_ID && e.CUSTODY_OIDC_CLIENT_SECRET
      ? {
          issuer: e.CUSTODY_OIDC_ISSUER.replace(/\/$/, ''),
          clientId: e.CUSTODY_OIDC_CLIENT_ID,
          clientSecret: e.CUSTODY_OIDC_CLIENT_SECRET,
          name: e.CUSTODY_OIDC_NAME,
          scope: e.CUSTODY_OIDC_SCOPE,
          groupsClaim: e.CUSTODY_OIDC_GROUPS_CLAIM,
          roleMap: parseRoleMap(e.CUSTODY_OIDC_ROLE_MAP),
        }
      : null,
    sessionMaxAgeSeconds: e.CUSTODY_SESSION_MAX_AGE_SECONDS,
    trustedProxyHops: e.CUSTODY_TRUSTED_PROXY_HOPS,
  }
}

/** NEXTAUTH_URL alone, for links to the dashboard sent elsewhere (notifications): it needs no auth secret. */
export function loadPublicOrigin(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = publicUrl.safeParse(stripEmpty(env).NEXTAUTH_URL)
  if (!parsed.success) throw new Error(`Invalid Custody sign-in configuration: NEXTAUTH_URL: ${parsed.error.issues[0].message}`)
  return new URL(parsed.data).origin
}

/** CUSTODY_TRUSTED_PROXY_HOPS alone, for the HTTP server hook (it must not create the auth secret at build time). */
export function loadTrustedProxyHops(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = trustedProxyHops.safeParse(stripEmpty(env).CUSTODY_TRUSTED_PROXY_HOPS)
  if (!parsed.success) throw new Error(`Invalid Custody sign-in configuration: CUSTODY_TRUSTED_PROXY_HOPS: ${parsed.error.issues[0].message}`)
  return parsed.data
}

/**
 * `group=role,group=role`, or `;`-separated when group names contain commas (LDAP DNs).
 * A group name may itself contain `=`: the last one separates it from the role.
 */
export function parseRoleMap(text: string): ReadonlyMap<string, Role> {
  const map = new Map<string, Role>()
  const separator = text.includes(';') ? ';' : ','
  for (const pair of text.split(separator).map((p) => p.trim()).filter(Boolean)) {
    const at = pair.lastIndexOf('=')
    const group = pair.slice(0, at).trim()
    const role = pair.slice(at + 1).trim()
    if (at <= 0 || !group) throw new Error(`Invalid CUSTODY_OIDC_ROLE_MAP entry "${pair}": expected group=role`)
    if (!(roles as readonly string[]).includes(role)) {
      throw new Error(`Invalid CUSTODY_OIDC_ROLE_MAP entry "${pair}": role must be one of ${roles.join(', ')}`)
    }
    map.set(group, role as Role)
  }
  return map
}

const SECRET_FILE = 'auth-secret'

/**
 * With no NEXTAUTH_SECRET, the embedded default keeps a random secret in
 * <dataDir>/auth-secret (mode 0600), so sessions survive a restart. Several
 * processes sharing one PostgreSQL must set NEXTAUTH_SECRET instead.
 */
export function embeddedSecret(dataDir: string): string {
  const file = path.join(dataDir, SECRET_FILE)
  try {
    return readSecret(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  fs.mkdirSync(dataDir, { recursive: true })
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    // Another process wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  return readSecret(file)
}

function readSecret(file: string): string {
  const secret = fs.readFileSync(file, 'utf8').trim()
  if (secret.length < 32) throw new Error(`${file} holds no usable secret: delete it to generate a new one`)
  return secret
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>
}
