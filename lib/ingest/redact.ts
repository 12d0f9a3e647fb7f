import { scrubRecord, scrubText } from '@/lib/sources/secrets'

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
    // not JSON (or nested too deep to walk): fall through to the textual redaction
  }
  return clip(scrubText(text))
}

// V8 quotes the line around a bad character: `Unexpected token 'B', "Bearer ghp"... is not valid JSON`
const QUOTED_INPUT = /, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON/

/** A reject's reason names the line and field, never a part of the line that could be a secret. */
export function redactRejectReason(reason: string): string {
  return scrubText(reason.replace(QUOTED_INPUT, ''))
}

function clip(text: string): string {
  return text.length > MAX_REJECT_TEXT ? `${text.slice(0, MAX_REJECT_TEXT)}…` : text
}
