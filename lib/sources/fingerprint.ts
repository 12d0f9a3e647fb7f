import { createHash } from 'node:crypto'

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** A raw secret's only stored form (metrics.md, Secrets). */
export function secretFingerprint(secret: string): string {
  return `sha256:${sha256Hex(secret)}`
}

/** The event id of a record with no native id: the SHA-256 of its raw text. */
export function rawEventId(raw: string): string {
  return sha256Hex(raw)
}
