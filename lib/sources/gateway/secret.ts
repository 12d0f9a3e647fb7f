import { secretFingerprint, sha256Hex } from '../fingerprint'
import { isJsonObject } from '../record-fields'
import { epochSecondsToIso } from '../record-time'

/**
 * A raw secret a gateway logged in `token` (metrics.md, Secrets): a JWT is read as the
 * bearer token it is, anything else as an API key. Only fingerprints and the JWT's
 * claims leave this file; the secret itself is never returned.
 */

export type TokenClaims = {
  jti?: string
  sub?: string
  iss?: string
  aud?: string
  clientId?: string
  iat?: string
  exp?: string
}

export type PresentedSecret =
  | { kind: 'bearer'; fingerprint: string; claims: TokenClaims }
  | { kind: 'api_key'; sha256: string }

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/

/** null when `token` holds no secret at all (empty, or only an auth scheme). */
export function presentedSecret(token: string): PresentedSecret | null {
  const secret = token.trim().replace(/^bearer(\s+|$)/i, '').trim()
  if (!secret) return null
  const claims = jwtClaims(secret)
  if (claims) return { kind: 'bearer', fingerprint: secretFingerprint(secret), claims }
  return { kind: 'api_key', sha256: sha256Hex(secret) }
}

function jwtClaims(secret: string): TokenClaims | null {
  const payload = JWT_SHAPE.exec(secret)?.[1]
  if (!payload) return null
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!isJsonObject(decoded)) return null
  return {
    jti: text(decoded.jti) ?? text(decoded.uti),
    sub: text(decoded.sub),
    iss: text(decoded.iss),
    aud: Array.isArray(decoded.aud) ? decoded.aud.filter((a) => typeof a === 'string').join(' ') || undefined : text(decoded.aud),
    clientId: text(decoded.client_id) ?? text(decoded.azp) ?? text(decoded.appid) ?? text(decoded.cid),
    iat: epochClaim(decoded.iat),
    exp: epochClaim(decoded.exp),
  }
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

function epochClaim(v: unknown): string | undefined {
  return typeof v === 'number' ? (epochSecondsToIso(v) ?? undefined) : undefined
}
