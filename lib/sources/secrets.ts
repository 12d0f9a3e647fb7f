import { secretFingerprint } from '@/lib/sources/fingerprint'

/**
 * Replaces every raw secret in a record by its `sha256:<hex>` fingerprint (metrics.md, Secrets):
 * values of secret-named fields (in JSON or query strings), JWTs and `Bearer`/`SSWS`/`Basic`
 * credentials. A source names the fields it treats as secrets.
 */

export const SECRET_FIELD_NAMES = [
  'access_token', 'refresh_token', 'id_token', 'device_secret', 'client_secret', 'client_assertion', 'password', 'api_key', 'apikey',
]

export type SecretScrubber = { scrubText(text: string): string; scrubRecord<T>(value: T): T }

export function secretScrubber(fieldNames: string[] = SECRET_FIELD_NAMES): SecretScrubber {
  const names = fieldNames.join('|')
  const secretKey = new RegExp(`^(?:${names})$`, 'i')
  const jsonSecret = new RegExp(`("(?:${names})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)+)"`, 'gi')
  const querySecret = new RegExp(`([?&#](?:${names})=)([^&#\\s"]+)`, 'gi')
  const scrubText = (text: string): string =>
    text
      .replace(jsonSecret, (_, head: string, value: string) => `${head}${fingerprintOnce(jsonUnescape(value))}"`)
      .replace(querySecret, (_, head: string, value: string) => `${head}${fingerprintOnce(value)}`)
      .replace(JWT, (token) => secretFingerprint(token))
      .replace(AUTH_SCHEME, (_, scheme: string, space: string, secret: string) => `${scheme}${space}${secretFingerprint(secret)}`)
  const scrubRecord = <T>(value: T, key = ''): T => {
    if (typeof value === 'string') return (secretKey.test(key) ? fingerprintOnce(value) : scrubText(value)) as T
    if (Array.isArray(value)) return value.map((entry) => scrubRecord(entry)) as T
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubRecord(v, k)])) as T
    }
    return value
  }
  return { scrubText, scrubRecord: (value) => scrubRecord(value) }
}

const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g
// a credential is long and has a digit; prose such as "Basic authentication" is neither
const AUTH_SCHEME = /\b(Bearer|SSWS|Basic)(\s+)(?=[A-Za-z._~+/-]*\d)([A-Za-z0-9._~+/-]{16,}=*)/gi

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
