import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { roles } from '@/db/schema'
import { AccessDenied, cliActor, requirePermission, type UserActor } from '@/lib/auth/actor'
import { embeddedSecret, loadAuthConfig, parseRoleMap } from '@/lib/auth/config'
import { contentSecurityPolicy, SECURITY_HEADERS } from '@/lib/auth/headers'
import { groupKeys, roleFromClaims, ssoRefusal } from '@/lib/auth/oidc'
import { permissions, permissionsOf } from '@/lib/auth/permissions'
import { CLIENT_ADDRESS_HEADER } from '@/lib/auth/client-address'
import { isCrossSiteWrite, originOf } from '@/lib/auth/request'

const tempDirs: string[] = []
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-auth-'))
  tempDirs.push(dir)
  return dir
}
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))

/** Only the variables given: the developer's own environment must not leak in. */
const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv

const userActor = (role: UserActor['role']): UserActor => ({
  kind: 'user', id: '00000000-0000-4000-8000-000000000000', email: `${role}@custody.local`, role, sessionId: 's', origin: { ip: null, userAgent: null },
})

describe('roles', () => {
  it('gives each role exactly what issue 4 lists, each including the one before', () => {
    expect(Object.fromEntries(roles.map((r) => [r, permissionsOf(r)]))).toEqual({
      auditor: ['overview:read', 'reports:read', 'people:read', 'audit:read'],
      compliance: ['overview:read', 'reports:read', 'people:read', 'audit:read', 'evidence:export'],
      security: ['overview:read', 'reports:read', 'people:read', 'audit:read', 'evidence:export', 'thresholds:write', 'alerts:acknowledge', 'service-accounts:write'],
      admin: [...permissions],
    })
  })

  it('refuses with AccessDenied, naming who and what', () => {
    expect(() => requirePermission(userActor('auditor'), 'evidence:export')).toThrow(AccessDenied)
    expect(() => requirePermission(userActor('auditor'), 'evidence:export')).toThrow('auditor@custody.local may not evidence:export')
    expect(() => requirePermission(userActor('compliance'), 'evidence:export')).not.toThrow()
  })

  it('lets the command line do everything: its operator already holds the data directory', () => {
    for (const p of permissions) expect(() => requirePermission(cliActor, p)).not.toThrow()
  })
})

describe('SSO role mapping', () => {
  const oidc = loadAuthConfig(env({
    CUSTODY_DATA_DIR: tempDir(),
    CUSTODY_OIDC_ISSUER: 'https://idp.example.test/',
    CUSTODY_OIDC_CLIENT_ID: 'custody',
    CUSTODY_OIDC_CLIENT_SECRET: 'secret',
    CUSTODY_OIDC_GROUPS_CLAIM: 'roles',
    CUSTODY_OIDC_ROLE_MAP: 'soc-auditors=auditor; sec=security;cn=admins,ou=it=admin',
  })).oidc!

  it('maps the groups claim to the highest mapped role', () => {
    expect(oidc.issuer).toBe('https://idp.example.test')
    expect(roleFromClaims({ roles: ['everyone', 'soc-auditors'] }, oidc)).toBe('auditor')
    expect(roleFromClaims({ roles: ['soc-auditors', 'sec'] }, oidc)).toBe('security')
    expect(roleFromClaims({ roles: ['sec', 'cn=admins,ou=it'] }, oidc)).toBe('admin')
    expect(roleFromClaims({ roles: ['everyone'] }, oidc)).toBeNull()
    expect(roleFromClaims({ groups: ['sec'] }, oidc)).toBeNull()
    expect(roleFromClaims(undefined, oidc)).toBeNull()
  })

  it('never splits a string claim: it is one group, whatever spaces or commas it holds', () => {
    expect(roleFromClaims({ roles: 'sec' }, oidc)).toBe('security')
    expect(roleFromClaims({ roles: 'everyone sec' }, oidc)).toBeNull()
    expect(roleFromClaims({ roles: 'everyone,sec' }, oidc)).toBeNull()
    expect(roleFromClaims({ roles: 'cn=admins,ou=it' }, oidc)).toBe('admin')
  })

  it('maps by group id where the IdP gives one: a group merely named like a mapped one gets nothing', () => {
    const byId = { ...oidc, roleMap: parseRoleMap('6f1c2a80-1b2d-4e5f-9a0b-7c8d9e0f1a2b=admin') }
    expect(roleFromClaims({ roles: [{ id: '6f1c2a80-1b2d-4e5f-9a0b-7c8d9e0f1a2b', name: 'IT' }] }, byId)).toBe('admin')
    expect(roleFromClaims({ roles: [{ id: 'self-made', name: '6f1c2a80-1b2d-4e5f-9a0b-7c8d9e0f1a2b' }] }, byId)).toBeNull()
    expect(roleFromClaims({ roles: [{ id: 'g-2', name: 'sec' }] }, oidc)).toBeNull()
    expect(groupKeys({ roles: ['a', { id: 'b', name: 'B' }, 7, null, { name: 'c' }] }, oidc)).toEqual(['a', 'b'])
  })

  it('admits only an e-mail the IdP says it verified', () => {
    const admin = { roles: ['cn=admins,ou=it'] }
    expect(ssoRefusal({ email: 'ann@example.test' }, { ...admin, email_verified: true }, oidc)).toBeNull()
    expect(ssoRefusal({ email: 'ann@example.test' }, { ...admin, email_verified: 'true' }, oidc)).toBeNull()
    expect(ssoRefusal({ email: 'ann@example.test' }, { ...admin, email_verified: false }, oidc)).toBe('EmailUnverified')
    expect(ssoRefusal({ email: 'ann@example.test' }, admin, oidc)).toBe('EmailUnverified')
    expect(ssoRefusal({ email: '' }, { ...admin, email_verified: true }, oidc)).toBe('NoEmail')
    expect(ssoRefusal({ email: 'ann@example.test' }, { roles: ['everyone'], email_verified: true }, oidc)).toBe('NoRole')
    expect(ssoRefusal({ email: 'ann@example.test', disabledAt: new Date() }, { ...admin, email_verified: true }, oidc)).toBe('AccountDisabled')
  })

  it('rejects a mapping to an unknown role and half an OIDC configuration', () => {
    expect([...parseRoleMap('a=auditor,b=admin')]).toEqual([['a', 'auditor'], ['b', 'admin']])
    expect(() => parseRoleMap('ops=root')).toThrow(/role must be one of auditor, compliance, security, admin/)
    expect(() => parseRoleMap('=admin')).toThrow(/expected group=role/)
    expect(() => loadAuthConfig(env({ CUSTODY_OIDC_ISSUER: 'https://idp.example.test' }))).toThrow(/set all three or none/)
    expect(() => loadAuthConfig(env({ NEXTAUTH_SECRET: 'short' }))).toThrow(/NEXTAUTH_SECRET: must be at least 32/)
  })
})

describe('the embedded secret', () => {
  it('is generated once into <dataDir>/auth-secret, readable by the owner only, and reused', () => {
    const dir = tempDir()
    const first = embeddedSecret(dir)
    expect(first.length).toBeGreaterThanOrEqual(43)
    expect(fs.statSync(path.join(dir, 'auth-secret')).mode & 0o777).toBe(0o600)
    expect(embeddedSecret(dir)).toBe(first)
    expect(loadAuthConfig(env({ CUSTODY_DATA_DIR: dir })).secret).toBe(first)
    expect(loadAuthConfig(env({ CUSTODY_DATA_DIR: dir, NEXTAUTH_SECRET: 'x'.repeat(32) })).secret).toBe('x'.repeat(32))
  })
})

describe('request origin and cross-site writes', () => {
  const headers = (h: Record<string, string>) => new Headers(h)
  const config = loadAuthConfig(env({ CUSTODY_DATA_DIR: tempDir(), NEXTAUTH_URL: 'https://custody.example.test' }))
  const post = (h: Record<string, string>) => new Request('http://127.0.0.1:3000/api/x', { method: 'POST', headers: h })

  it('reads the address the HTTP server stamped, never X-Forwarded-For', () => {
    expect(originOf(headers({ [CLIENT_ADDRESS_HEADER]: '198.51.100.7', 'x-forwarded-for': '6.6.6.6', 'user-agent': 'UA' }))).toEqual({ ip: '198.51.100.7', userAgent: 'UA' })
    expect(originOf(headers({ 'x-forwarded-for': '6.6.6.6' }))).toEqual({ ip: null, userAgent: null })
  })

  it('refuses state-changing requests from another site and lets same-origin and non-browser ones through', () => {
    expect(isCrossSiteWrite(post({ origin: 'https://evil.example' }), config)).toBe(true)
    expect(isCrossSiteWrite(post({ origin: 'null' }), config)).toBe(true)
    expect(isCrossSiteWrite(post({ 'sec-fetch-site': 'cross-site' }), config)).toBe(true)
    expect(isCrossSiteWrite(post({ origin: 'https://custody.example.test' }), config)).toBe(false)
    expect(isCrossSiteWrite(post({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }), config)).toBe(false)
    expect(isCrossSiteWrite(post({}), config)).toBe(false)
    expect(isCrossSiteWrite(new Request('http://127.0.0.1:3000/x', { headers: { origin: 'https://evil.example' } }), config)).toBe(false)
  })
})

describe('response headers', () => {
  it('sends HSTS for a year or more, nosniff, a referrer policy and a strict CSP with a nonce', () => {
    const byName = Object.fromEntries(SECURITY_HEADERS.map((h) => [h.key, h.value]))
    expect(Number(/max-age=(\d+)/.exec(byName['Strict-Transport-Security'])?.[1])).toBeGreaterThanOrEqual(31_536_000)
    expect(byName['Strict-Transport-Security']).toContain('includeSubDomains')
    expect(byName['X-Content-Type-Options']).toBe('nosniff')
    expect(byName['Referrer-Policy']).toBe('same-origin')
    const csp = contentSecurityPolicy('bm9uY2U=', false)
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'"]) {
      expect(csp).toContain(directive)
    }
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
  })
})
