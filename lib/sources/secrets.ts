import { secretFingerprint } from '@/lib/sources/fingerprint'
import { mayHoldSecret } from './secrets/hint'
import { isSecretName, SECRET_NAME_ENDING, SECRET_NAME_EXACT } from './secrets/names'
import { AUTH_SCHEME, JWT, KEY_PREFIX, SCHEMED_SECRET } from './secrets/shapes'

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

/** A parsed record with every secret, at any depth, as its fingerprint. Throws RecordTooDeep past MAX_DEPTH. */
export function scrubRecord<T>(value: T): T {
  return scrub(value, false, 0) as T
}

/**
 * A vendor record's raw text as it may be stored: unchanged when it cannot hold a secret, else
 * the record re-serialized with every secret at any depth fingerprinted (free text when it is
 * not JSON).
 */
export function scrubRawRecord(raw: string): string {
  if (!mayHoldSecret(raw)) return raw
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return scrubText(raw)
  }
  return JSON.stringify(scrubRecord(parsed))
}

export type ScrubbedRecord<T> = { record: T; scrubbed: boolean } | { error: string }

/**
 * A parser's view of a record: as it came when its raw text cannot hold a secret, else
 * scrubbed but for `kept`, top-level fields the parser reads a raw secret from (to hash
 * it), then drops. A record too deep to walk is an error, so its parser rejects it.
 */
export function scrubbedRecord<T>(value: T, raw: string, kept: readonly string[] = []): ScrubbedRecord<T> {
  if (!mayHoldSecret(raw)) return { record: value, scrubbed: false }
  try {
    if (kept.length === 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return { record: scrubRecord(value), scrubbed: true }
    const entries = Object.entries(value).map(([k, v]) => [k, kept.includes(k) ? v : scrub(v, isSecretName(k), 1)])
    return { record: Object.fromEntries(entries) as T, scrubbed: true }
  } catch (err) {
    if (err instanceof RecordTooDeep) return { error: err.message }
    throw err
  }
}

/** Deeper than this a record is not walked (nor could it be stored): it is rejected. */
const MAX_DEPTH = 1000

export class RecordTooDeep extends Error {
  constructor() {
    super(`record: nested more than ${MAX_DEPTH} levels deep`)
  }
}

function scrub(value: unknown, secret: boolean, depth: number): unknown {
  if (typeof value === 'string') return secret ? fingerprintValue(value) : scrubText(value)
  if (typeof value === 'number') return secret ? secretFingerprint(String(value)) : value
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) throw new RecordTooDeep()
  if (Array.isArray(value)) return value.map((entry) => scrub(entry, secret, depth + 1))
  const pairName = nameOfPair(value)
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (pairName !== null) return [k, k === 'value' ? scrub(v, secret || isSecretName(pairName), depth + 1) : scrub(v, false, depth + 1)]
      const inherited = secret && !TOKEN_METADATA.has(k.toLowerCase())
      return [k, scrub(v, inherited || isSecretName(k), depth + 1)]
    }),
  )
}

/**
 * A `{ "key": <name>, "value": … }` pair (Graph's additionalDetails, many SIEM exports): its
 * name is the pair's field name, so `key` holds no secret and `value` is one when the name is.
 */
function nameOfPair(value: object): string | null {
  const pair = value as { key?: unknown; value?: unknown }
  return typeof pair.key === 'string' && 'value' in pair ? pair.key : null
}

/**
 * What a secret-named object says about its secret rather than the secret itself (OCSF's
 * `authentication_token: { uid, type_id, created_time, expiration_time }`): kept, so the
 * credential's id and lifetime stay readable. Any other field inside it is fingerprinted.
 */
const TOKEN_METADATA = new Set([
  'uid', 'id', 'jti', 'type', 'type_id', 'kind', 'name', 'scope', 'scopes', 'issuer', 'audience',
  'created_time', 'expiration_time', 'issued_at', 'expires_at', 'created_at', 'expiry', 'is_renewable',
])

/** A secret-named field's value: `Bearer <secret>` keeps its scheme, so the fingerprint is the credential's. */
function fingerprintValue(value: string): string {
  if (value.trim() === '') return value
  const scheme = SCHEMED_SECRET.exec(value.trim())
  return scheme ? `${scheme[1]}${scheme[2]}${fingerprintOnce(scheme[3])}` : fingerprintOnce(value)
}

const FINGERPRINT = /^sha256:[0-9a-f]{64}$/

function fingerprintOnce(secret: string): string {
  return FINGERPRINT.test(secret) ? secret : secretFingerprint(secret)
}

function jsonUnescape(value: string): string {
  try {
    return JSON.parse(`"${value}"`) as string
  } catch {
    return value
  }
}
