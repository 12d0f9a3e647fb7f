import { secretFingerprint } from '@/lib/sources/fingerprint'
import { mayHoldSecret } from './secrets/hint'
import { isSecretName, SECRET_NAME_ENDING, SECRET_NAME_EXACT } from './secrets/names'
import { AUTH_SCHEME, JWT, KEY_PREFIX } from './secrets/shapes'

/**
 * The one secret scrubber (metrics.md, Secrets): every parser, every rejected line and the
 * engine's staging go through it. A secret is found by its field's name (secrets/names.ts:
 * `access_token`, `clientSecret`, `x-api-key`, `Authorization`, `Cookie`, … in any case, at
 * any depth, as a JSON key or a query parameter) or by its shape (secrets/shapes.ts: a JWT,
 * a `Bearer`/`Basic`/`SSWS` credential, an API key with a well-known prefix), and replaced
 * by its `sha256:<hex>` fingerprint; an auth scheme stays in front of it.
 */

export { mayHoldSecret }

// the value may be cut off by the end of a damaged line
const JSON_SECRET = new RegExp(
  `("(?:[^"\\\\]|\\\\.)*?${SECRET_NAME_ENDING}"\\s*:\\s*"|"${SECRET_NAME_EXACT}"\\s*:\\s*")((?:[^"\\\\]|\\\\.)+)`,
  'gi',
)
const QUERY_SECRET = new RegExp(`((?:^|[?&#;\\s])(?:[^=&#;\\s"?]*${SECRET_NAME_ENDING}|${SECRET_NAME_EXACT})=)([^&#;\\s"]+)`, 'gi')

/** Every secret in free text (a line that is not JSON, a string value, a reason) as its fingerprint. */
export function scrubText(text: string): string {
  return text
    .replace(JSON_SECRET, (_, head: string, value: string) => `${head}${fingerprintOnce(jsonUnescape(value))}`)
    .replace(QUERY_SECRET, (_, head: string, value: string) => `${head}${fingerprintOnce(value)}`)
    .replace(JWT, (token) => secretFingerprint(token))
    .replace(AUTH_SCHEME, (_, scheme: string, space: string, secret: string) => `${scheme}${space}${secretFingerprint(secret)}`)
    .replace(KEY_PREFIX, (key) => secretFingerprint(key))
}

/** A parsed record with every secret, at any depth, as its fingerprint. */
export function scrubRecord<T>(value: T): T {
  return scrub(value, false) as T
}

/** The record scrubbed, but for `kept`: top-level fields its parser reads a raw secret from, then drops. */
export function scrubRecordExcept(record: Record<string, unknown>, kept: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, kept.includes(k) ? v : scrub(v, isSecretName(k))]))
}

function scrub(value: unknown, secret: boolean): unknown {
  if (typeof value === 'string') return secret ? fingerprintValue(value) : scrubText(value)
  if (typeof value === 'number') return secret ? secretFingerprint(String(value)) : value
  if (Array.isArray(value)) return value.map((entry) => scrub(entry, secret))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secret || isSecretName(k))]))
  }
  return value
}

const SCHEME_AND_SECRET = /^(Bearer|Basic|SSWS|Token)(\s+)(\S+)$/i

/** A secret-named field's value: `Bearer <secret>` keeps its scheme, so the fingerprint is the credential's. */
function fingerprintValue(value: string): string {
  if (value.trim() === '') return value
  const scheme = SCHEME_AND_SECRET.exec(value.trim())
  return scheme ? `${scheme[1]}${scheme[2]}${fingerprintOnce(scheme[3])}` : fingerprintOnce(value)
}

function fingerprintOnce(secret: string): string {
  return /^sha256:[0-9a-f]{64}$/.test(secret) ? secret : secretFingerprint(secret)
}

function jsonUnescape(value: string): string {
  try {
    return JSON.parse(`"${value}"`) as string
  } catch {
    return value
  }
}
