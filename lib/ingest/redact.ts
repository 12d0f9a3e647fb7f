import { SECRET_FIELD_NAMES, secretScrubber } from '@/lib/sources/secrets'

// a rejected line may be of any source's shape: treat every plausibly secret-named field as one
const { scrubRecord, scrubText } = secretScrubber([...SECRET_FIELD_NAMES, 'token', 'secret', 'key', 'authorization'])
const MAX_REJECT_TEXT = 4000

/**
 * A rejected record is kept for the operator, but a raw secret must never reach
 * storage even when its line was bad: secrets become fingerprints before it is clipped.
 */
export function redactRejectedText(text: string): string {
  try {
    const value: unknown = JSON.parse(text)
    if (value && typeof value === 'object') return clip(JSON.stringify(scrubRecord(value)))
  } catch {
    // not JSON: fall through to the textual redaction
  }
  return clip(scrubText(text))
}

function clip(text: string): string {
  return text.length > MAX_REJECT_TEXT ? `${text.slice(0, MAX_REJECT_TEXT)}…` : text
}
