import { randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm'
import { openAppStore } from '@/db'
import { ingestTokens } from '@/db/schema'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import { sha256Hex } from '@/lib/sources/fingerprint'
import type { IngestibleSource } from '@/lib/sources'
import { recordTokenCredential } from './token-credential'

/** A token is `cit_` and 32 random bytes: the prefix lets secret scanners and people recognise it. */
export const TOKEN_PREFIX = 'cit_'
/** Its use is written to the audit trail at most this often per token. */
const USE_AUDIT_INTERVAL_MS = 3600_000

export class TokenChangeRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TokenChangeRefused'
  }
}

export type IngestTokenView = {
  id: string
  name: string
  sources: string[] | null
  createdBy: string
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
  lastUsedAt: Date | null
  replaces: string | null
}

export type NewToken = { name: string; sources?: IngestibleSource[] | null; expiresAt?: Date | null }
/** What is shown once: the token itself, never stored. */
export type IssuedToken = IngestTokenView & { token: string }

const viewColumns = {
  id: ingestTokens.id,
  name: ingestTokens.name,
  sources: ingestTokens.sources,
  createdBy: ingestTokens.createdBy,
  createdAt: ingestTokens.createdAt,
  expiresAt: ingestTokens.expiresAt,
  revokedAt: ingestTokens.revokedAt,
  lastUsedAt: ingestTokens.lastUsedAt,
  replaces: ingestTokens.replaces,
}

export async function listIngestTokens(actor: Actor): Promise<IngestTokenView[]> {
  requirePermission(actor, 'ingest-tokens:manage')
  const db = await openAppStore()
  return db.select(viewColumns).from(ingestTokens).orderBy(desc(ingestTokens.createdAt))
}

export async function createIngestToken(actor: Actor, spec: NewToken): Promise<IssuedToken> {
  requirePermission(actor, 'ingest-tokens:manage')
  if (spec.expiresAt && spec.expiresAt.getTime() <= Date.now()) throw new TokenChangeRefused('The expiry must be in the future.')
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  const db = await openAppStore()
  const issued = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(ingestTokens)
      .values({ name: spec.name, tokenSha256: sha256Hex(token), createdBy: creatorOf(actor), sources: spec.sources ?? null, expiresAt: spec.expiresAt ?? null })
      .returning(viewColumns)
    await recordAudit(tx, actor, { action: 'ingest_token_change', target: row.name, detail: { change: 'create', id: row.id, sources: row.sources, expires_at: row.expiresAt } })
    return { ...row, token }
  })
  await recordTokenCredential({ ...issued, tokenSha256: sha256Hex(token) })
  return issued
}

/**
 * A new token for the same sender; the old one stays valid for `graceSeconds` (0: refused at once)
 * so the sender can be switched over without losing a delivery.
 */
export async function rotateIngestToken(actor: Actor, rotation: { id: string; graceSeconds: number }): Promise<IssuedToken> {
  requirePermission(actor, 'ingest-tokens:manage')
  const db = await openAppStore()
  const graceEnd = new Date(Date.now() + rotation.graceSeconds * 1000)
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  const { issued, old } = await db.transaction(async (tx) => {
    const [old] = await tx.select({ ...viewColumns, tokenSha256: ingestTokens.tokenSha256 }).from(ingestTokens).where(eq(ingestTokens.id, rotation.id)).for('update')
    if (!old || old.revokedAt) throw new TokenChangeRefused('That token does not exist or is revoked.')
    const oldEnd = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd
    const [updated] = await tx.update(ingestTokens).set({ expiresAt: oldEnd }).where(eq(ingestTokens.id, old.id)).returning(viewColumns)
    const [row] = await tx
      .insert(ingestTokens)
      .values({ name: old.name, tokenSha256: sha256Hex(token), createdBy: creatorOf(actor), sources: old.sources, expiresAt: old.expiresAt, replaces: old.id })
      .returning(viewColumns)
    await recordAudit(tx, actor, { action: 'ingest_token_change', target: row.name, detail: { change: 'rotate', id: row.id, replaces: old.id, old_valid_until: oldEnd } })
    return { issued: { ...row, token }, old: { ...updated, tokenSha256: old.tokenSha256 } }
  })
  await recordTokenCredential({ ...issued, tokenSha256: sha256Hex(token) })
  await recordTokenCredential(old)
  return issued
}

export async function revokeIngestToken(actor: Actor, id: string): Promise<IngestTokenView> {
  requirePermission(actor, 'ingest-tokens:manage')
  const db = await openAppStore()
  const revoked = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(ingestTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(ingestTokens.id, id), isNull(ingestTokens.revokedAt)))
      .returning({ ...viewColumns, tokenSha256: ingestTokens.tokenSha256 })
    if (!row) throw new TokenChangeRefused('That token does not exist or is already revoked.')
    await recordAudit(tx, actor, { action: 'ingest_token_change', target: row.name, detail: { change: 'revoke', id: row.id } })
    return row
  })
  await recordTokenCredential(revoked)
  return revoked
}

export type TokenCheck = { ok: true; tokenId: string; name: string } | { ok: false; status: 401 | 403; error: string }

/**
 * The intake's guard: the bearer token is the authority (intake.md). Unknown, revoked and
 * expired tokens are 401; a source the token does not allow is 403.
 */
export async function checkIngestToken(authorization: string | null, source: IngestibleSource): Promise<TokenCheck> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (!bearer) return { ok: false, status: 401, error: 'an ingest token is required: Authorization: Bearer <token>' }
  const db = await openAppStore()
  const [row] = await db.select().from(ingestTokens).where(eq(ingestTokens.tokenSha256, sha256Hex(bearer)))
  const now = new Date()
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return { ok: false, status: 401, error: 'the ingest token is unknown, revoked or expired' }
  if (row.sources && !row.sources.includes(source)) return { ok: false, status: 403, error: `this ingest token may not post ${source}` }
  if (!row.lastUsedAt || row.lastUsedAt.getTime() < now.getTime() - USE_AUDIT_INTERVAL_MS) await noteUse(row.id, row.name, now)
  return { ok: true, tokenId: row.id, name: row.name }
}

/**
 * lastUsedAt, and an audit row, at most once an hour per token: use is evidence without flooding
 * the trail, and most posts cost one indexed read. The conditional update lets one of racing posts write.
 */
async function noteUse(id: string, name: string, now: Date): Promise<void> {
  const db = await openAppStore()
  const due = new Date(now.getTime() - USE_AUDIT_INTERVAL_MS)
  await db.transaction(async (tx) => {
    const [stale] = await tx
      .update(ingestTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(ingestTokens.id, id), or(isNull(ingestTokens.lastUsedAt), lt(ingestTokens.lastUsedAt, due))))
      .returning({ id: ingestTokens.id })
    if (stale) await recordAudit(tx, { claimed: `ingest-token:${name}`, origin: { ip: null, userAgent: null } }, { action: 'ingest_token_use', target: name, detail: { id } })
  })
}

function creatorOf(actor: Actor): string {
  return actor.kind === 'user' ? actor.email : `system:${actor.via}`
}
