import { secretFingerprint } from '@/lib/sources/fingerprint'

/**
 * Okta does not log token values, but debugData is free-form (metrics.md, Secrets): any raw
 * bearer token, JWT or secret-named value found in a record is replaced by its `sha256:<hex>`
 * fingerprint before a fact is built or the raw text is kept.
 */

const SECRET_NAMES = 'access_token|refresh_token|id_token|device_secret|client_secret|client_assertion|password|api_key|apikey'
const SECRET_KEY = new RegExp(`^(?:${SECRET_NAMES})$`, 'i')
const JSON_SECRET = new RegExp(`("(?:${SECRET_NAMES})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)+)"`, 'gi')
const QUERY_SECRET = new RegExp(`([?&#](?:${SECRET_NAMES})=)([^&#\\s"]+)`, 'gi')
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g
// a credential is long and has a digit; prose such as "Basic authentication" is neither
const AUTH_SCHEME = /\b(Bearer|SSWS|Basic)(\s+)(?=[A-Za-z._~+/-]*\d)([A-Za-z0-9._~+/-]{16,}=*)/gi

export function scrubText(text: string): string {
  return text
    .replace(JSON_SECRET, (_, head: string, value: string) => `${head}${fingerprintOnce(jsonUnescape(value))}"`)
    .replace(QUERY_SECRET, (_, head: string, value: string) => `${head}${fingerprintOnce(value)}`)
    .replace(JWT, (token) => secretFingerprint(token))
    .replace(AUTH_SCHEME, (_, scheme: string, space: string, secret: string) => `${scheme}${space}${secretFingerprint(secret)}`)
}

/** The same record with every secret fingerprinted; keys and structure unchanged. */
export function scrubRecord<T>(value: T, key = ''): T {
  if (typeof value === 'string') return (SECRET_KEY.test(key) ? fingerprintOnce(value) : scrubText(value)) as T
  if (Array.isArray(value)) return value.map((entry) => scrubRecord(entry)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubRecord(v, k)])) as T
  }
  return value
}

function fingerprintOnce(secret: string): string {
  return secret.startsWith('sha256:') ? secret : secretFingerprint(secret)
}

function jsonUnescape(value: string): string {
  try {
    return JSON.parse(`"${value}"`) as string
  } catch {
    return value
  }
}
