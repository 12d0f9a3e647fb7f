import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { desc, isNull } from 'drizzle-orm'
import { openAppStore, type AppStore } from '@/db'
import { evidenceSigningKeys } from '@/db/schema'
import { requirePermission, type Actor, actorLabel } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import { openSecret, sealSecret } from '@/lib/store/sealed-secrets'
import { keyFingerprint, publicKeyText } from './signature'

/** A signing key as the dashboard and every pack show it: never its private half. */
export type SigningKey = { fingerprint: string; publicKey: string; createdAt: Date; retiredAt: Date | null }

/** The key that signs packs now, created on first use (its private half sealed in the app state). */
export async function activeSigningKey(actor: Actor): Promise<SigningKey> {
  requirePermission(actor, 'reports:read')
  return shown(await activeRow(await openAppStore(), actor))
}

/** Every key that ever signed packs, the active one first, then by creation (newest first): old packs name retired ones. */
export async function signingKeys(actor: Actor): Promise<SigningKey[]> {
  requirePermission(actor, 'reports:read')
  const db = await openAppStore()
  await activeRow(db, actor)
  const rows = await db.select().from(evidenceSigningKeys).orderBy(desc(isNull(evidenceSigningKeys.retiredAt)), desc(evidenceSigningKeys.createdAt))
  return rows.map(shown)
}

/**
 * Retires the active key and makes a new one, in one transaction with its audit row. Packs
 * signed before stay verifiable: each carries its public key, and the retired fingerprint
 * stays listed.
 */
export async function rotateSigningKey(actor: Actor): Promise<{ retired: SigningKey | null; active: SigningKey }> {
  requirePermission(actor, 'signing-key:rotate')
  const db = await openAppStore()
  return db.transaction(async (tx) => {
    const [retired] = await tx.update(evidenceSigningKeys).set({ retiredAt: new Date() }).where(isNull(evidenceSigningKeys.retiredAt)).returning()
    const [active] = await tx.insert(evidenceSigningKeys).values(newKeyRow(actor)).returning()
    await recordAudit(tx, actor, {
      action: 'signing_key_rotate',
      target: active.fingerprint,
      detail: { retired: retired?.fingerprint ?? null },
    })
    return { retired: retired ? shown(retired) : null, active: shown(active) }
  })
}

/** The active key with its private half, for the export that signs. */
export async function activeSigner(actor: Actor, db: AppStore): Promise<SigningKey & { privateKey: KeyObject }> {
  requirePermission(actor, 'evidence:export')
  const row = await activeRow(db, actor)
  return { ...shown(row), privateKey: createPrivateKey(openSecret(row.sealedPrivateKey)) }
}

type KeyRow = typeof evidenceSigningKeys.$inferSelect

// Two first exports at once both try to create it: the partial unique index lets one win.
async function activeRow(db: AppStore, actor: Actor): Promise<KeyRow> {
  const existing = await db.select().from(evidenceSigningKeys).where(isNull(evidenceSigningKeys.retiredAt))
  if (existing[0]) return existing[0]
  await db.insert(evidenceSigningKeys).values(newKeyRow(actor)).onConflictDoNothing()
  const [created] = await db.select().from(evidenceSigningKeys).where(isNull(evidenceSigningKeys.retiredAt))
  return created
}

function newKeyRow(actor: Actor) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const text = publicKeyText(publicKey)
  return {
    fingerprint: keyFingerprint(text),
    publicKey: text,
    sealedPrivateKey: sealSecret(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    createdBy: actorLabel(actor),
  }
}

function shown(row: KeyRow): SigningKey {
  return { fingerprint: row.fingerprint, publicKey: row.publicKey, createdAt: row.createdAt, retiredAt: row.retiredAt }
}
