/** Reads the demo's files back the way an auditor would: an independent recount of what they show. */
import { readFileSync } from 'node:fs'
import type { DemoManifest, DemoSource } from '@/lib/demo'

export type Json = Record<string, any>

export function fileOf(manifest: DemoManifest, source: DemoSource): string {
  return manifest.files.find((f) => f.source === source)!.path
}

export function rawLines(manifest: DemoManifest, source: DemoSource): string[] {
  return readFileSync(fileOf(manifest, source), 'utf8').split('\n').filter((l) => l !== '')
}

export function records(manifest: DemoManifest, source: DemoSource): Json[] {
  return rawLines(manifest, source).map((l) => JSON.parse(l))
}

const ms = (iso: string) => Date.parse(iso)

/** What Okta and the inventory say about credentials and people. */
export function directory(okta: Json[], keys: Json[]) {
  const grants = new Map<string, { issued: number; expires: number; subject: string }>()
  const revokedToken = new Map<string, number>()
  const revokedSubject = new Map<string, number[]>()
  const trigger = new Map<string, number>()
  const personByEmail = new Map<string, string>()
  const subjects = new Set<string>()
  for (const e of okta) {
    const t = ms(e.published)
    subjects.add(e.actor.id)
    if (e.actor.type === 'User') personByEmail.set(e.actor.alternateId, e.actor.id)
    for (const target of e.target ?? []) {
      if (target.type === 'User') { subjects.add(target.id); personByEmail.set(target.alternateId, target.id) }
      if (target.type === 'access_token' && e.eventType === 'app.oauth2.as.token.grant.access_token') {
        grants.set(target.id, { issued: t, expires: ms(target.detailEntry.expires), subject: target.detailEntry.subject })
      }
      if (target.type === 'access_token' && e.eventType === 'app.oauth2.as.token.revoke') revokedToken.set(target.id, t)
      if (target.type === 'User' && e.eventType === 'app.oauth2.token.revoke.implicit.user') revokedSubject.set(target.id, [...(revokedSubject.get(target.id) ?? []), t])
      if (target.type === 'User' && /^user\.lifecycle\.(deactivate|suspend)$/.test(e.eventType)) trigger.set(target.id, Math.min(t, trigger.get(target.id) ?? Infinity))
    }
  }
  const inventory = new Map(keys.map((k) => [k.sha256 as string, k]))
  return { grants, revokedToken, revokedSubject, trigger, personByEmail, subjects, inventory }
}

export type Recount = {
  actions: number; anonymousActions: number; unknownApiKeyActions: number; unknownTokenActions: number; unmappedSubjectActions: number
  afterExpiryActions: number; afterRevocationActions: number; afterDeprovisionActions: number; deniedRequests: number; deniedAfterRevocation: number
}

const PLUMBING = /^(initialize|ping|notifications\/.*)$/

/** metrics.md's flags, recomputed from the three files (each distinct line once). */
export function recount(okta: Json[], keys: Json[], gatewayLines: string[]): Recount {
  const dir = directory(okta, keys)
  const n: Recount = { actions: 0, anonymousActions: 0, unknownApiKeyActions: 0, unknownTokenActions: 0, unmappedSubjectActions: 0, afterExpiryActions: 0, afterRevocationActions: 0, afterDeprovisionActions: 0, deniedRequests: 0, deniedAfterRevocation: 0 }
  const sessionIdentity = new Map<string, string>()
  for (const raw of new Set(gatewayLines)) {
    const r = JSON.parse(raw)
    const t = ms(r.time)
    const credential = presented(dir, r)
    const revoked = credential.revokedAt !== null && t > credential.revokedAt
    const expired = credential.expiresAt !== null && t > credential.expiresAt
    const claimed = claimedIdentity(dir, r)
    const identity = credential.identity ?? claimed ?? sessionIdentity.get(r['mcp.session.id']) ?? null
    const denied = r['http.status'] === 401 || r['http.status'] === 403
    if (denied) {
      n.deniedRequests++
      if (revoked) n.deniedAfterRevocation++
      continue
    }
    if (identity && (credential.identity || claimed)) sessionIdentity.set(r['mcp.session.id'], identity)
    if (PLUMBING.test(r['mcp.method.name'])) continue
    n.actions++
    if (r['auth.scheme'] === 'none') n.anonymousActions++
    if (r['apiKey.sha256'] && !dir.inventory.has(r['apiKey.sha256'])) n.unknownApiKeyActions++
    if (r['jwt.jti'] && !dir.grants.has(r['jwt.jti'])) n.unknownTokenActions++
    if (!r['jwt.jti'] && !r['apiKey.sha256'] && (r['jwt.sub'] || r.user) && !claimed) n.unmappedSubjectActions++
    if (expired) n.afterExpiryActions++
    if (revoked) n.afterRevocationActions++
    const triggered = identity ? dir.trigger.get(identity) : undefined
    if (triggered !== undefined && t > triggered) n.afterDeprovisionActions++
  }
  return n
}

function presented(dir: ReturnType<typeof directory>, r: Json): { identity: string | null; expiresAt: number | null; revokedAt: number | null } {
  const jti = r['jwt.jti']
  if (jti) {
    const grant = dir.grants.get(jti)
    if (!grant) return { identity: null, expiresAt: r['jwt.exp'] * 1000, revokedAt: null }
    const subjectWide = (dir.revokedSubject.get(grant.subject) ?? []).filter((at) => at > grant.issued)
    const revokedAt = Math.min(dir.revokedToken.get(jti) ?? Infinity, ...subjectWide)
    return { identity: grant.subject, expiresAt: grant.expires, revokedAt: revokedAt === Infinity ? null : revokedAt }
  }
  const key = r['apiKey.sha256'] ? dir.inventory.get(r['apiKey.sha256']) : undefined
  if (key) {
    const identity = key.service_account ? `svc:${key.service_account}` : (dir.personByEmail.get(key.owner) ?? null)
    return { identity, expiresAt: key.expires_at ? ms(key.expires_at) : null, revokedAt: key.revoked_at ? ms(key.revoked_at) : null }
  }
  return { identity: null, expiresAt: null, revokedAt: null }
}

function claimedIdentity(dir: ReturnType<typeof directory>, r: Json): string | null {
  if (r['jwt.sub'] && dir.subjects.has(r['jwt.sub'])) return r['jwt.sub']
  if (r.user && dir.personByEmail.has(r.user)) return dir.personByEmail.get(r.user)!
  return null
}
