import { z } from 'zod'

/**
 * How large and how deep one record may be. A record beyond either is rejected alone,
 * and is never held whole: the reader skips the rest of it as it streams past.
 */
export type RecordLimits = { maxRecordBytes: number }

export const DEFAULT_MAX_RECORD_BYTES = 1 << 20

/** `CUSTODY_MAX_RECORD_BYTES` and `--max-record-bytes`: a record must fit in a JS string many times over. */
export const maxRecordBytesSchema = z.coerce
  .number()
  .int()
  .min(1024, 'must be at least 1024 bytes')
  .max(256 << 20, 'must be at most 268435456 bytes (256 MiB)')

/** Deeper than any vendor record; recursion over a deeper value (parsers, secret scrubbing) could overflow the stack. */
export const MAX_NESTING_DEPTH = 100

export function tooLargeError(limits: RecordLimits): string {
  return `record larger than ${limits.maxRecordBytes} bytes (the limit: CUSTODY_MAX_RECORD_BYTES or --max-record-bytes)`
}

export const TOO_DEEP_ERROR = `record nested deeper than ${MAX_NESTING_DEPTH} levels`

/** Whether the UTF-8 form of `text` is longer than `max` bytes; encodes only when the length alone cannot tell. */
export function exceedsBytes(text: string, max: number): boolean {
  if (text.length > max) return true
  if (text.length * 3 <= max) return false // a UTF-16 unit is at most 3 bytes of UTF-8
  return Buffer.byteLength(text) > max
}

/** Whether JSON text opens more than `max` arrays or objects inside one another (strings are skipped). */
export function nestedDeeperThan(text: string, max: number): boolean {
  if (text.length <= max) return false
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 34 /* " */) i = stringEnd(text, i)
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
  }
  return false
}

/** Index of the quote closing the string opened at `open` (or the text's end). */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1)
  while (close > 0 && escaped(text, close)) close = text.indexOf('"', close + 1)
  return close < 0 ? text.length : close
}

/** Whether the character at `at` follows an odd run of backslashes. */
function escaped(text: string, at: number): boolean {
  let backslashes = 0
  while (text.charCodeAt(at - 1 - backslashes) === 92) backslashes++
  return backslashes % 2 === 1
}
