import { secretFingerprint } from '@/lib/sources/fingerprint'

const SECRET_KEYS = /^(token|secret|key|password|client_secret|access_token|refresh_token|id_token|authorization|api_key|apikey)$/i
const SECRET_PAIR = /("(?:token|secret|key|password|client_secret|access_token|refresh_token|id_token|authorization|api_key|apikey)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi
const MAX_REJECT_TEXT = 4000

/**
 * A rejected record is kept for the operator, but a raw secret must never reach
 * storage even when its line was bad: secret-named fields become fingerprints.
 */
export function redactRejectedText(text: string): string {
  const clipped = text.length > MAX_REJECT_TEXT ? `${text.slice(0, MAX_REJECT_TEXT)}…` : text
  try {
    const value: unknown = JSON.parse(text)
    if (value && typeof value === 'object') return clip(JSON.stringify(redactValue(value)))
  } catch {
    // not JSON: fall through to the textual redaction
  }
  return clipped.replace(SECRET_PAIR, (_, open: string, secret: string, close: string) => open + secretFingerprint(secret) + close)
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue)
  if (!value || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) && typeof v === 'string' ? secretFingerprint(v) : redactValue(v)]),
  )
}

function clip(text: string): string {
  return text.length > MAX_REJECT_TEXT ? `${text.slice(0, MAX_REJECT_TEXT)}…` : text
}
