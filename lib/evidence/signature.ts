import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { canonicalBytes } from './canonical'

/**
 * Ed25519 as evidence packs use it, with no store behind it: `verify` runs on an auditor's
 * machine with nothing but the files. A public key travels as the base64 of its 32 raw bytes;
 * its fingerprint is `sha256:` and the hex SHA-256 of those bytes.
 */
export function publicKeyText(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' })
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 public key')
  return Buffer.from(jwk.x, 'base64url').toString('base64')
}

export function publicKeyFromText(text: string): KeyObject {
  const raw = Buffer.from(text, 'base64')
  if (raw.length !== 32 || raw.toString('base64') !== text) throw new Error('a public key is the base64 of 32 bytes')
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' })
}

export function keyFingerprint(publicKey: string): string {
  return `sha256:${createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex')}`
}

/** The signature (base64) over `value`'s canonical JSON. Ed25519 is deterministic: same key, same bytes, same signature. */
export function signCanonical(value: unknown, privateKey: KeyObject): string {
  return sign(null, canonicalBytes(value), privateKey).toString('base64')
}

export function verifiesCanonical(value: unknown, signature: string, publicKey: string): boolean {
  // strict base64: a lenient decoder would accept a changed character in the unused low bits
  const bytes = Buffer.from(signature, 'base64')
  if (bytes.toString('base64') !== signature) return false
  try {
    return verify(null, canonicalBytes(value), publicKeyFromText(publicKey), bytes)
  } catch {
    return false
  }
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}
