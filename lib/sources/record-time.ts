/**
 * Times in source records, normalized to what the store holds: ISO 8601 UTC with
 * milliseconds. Anything DateTime64(3, 'UTC') cannot hold (before 1900, after 2299)
 * is refused here, so one bad value can never sink an insert batch.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/
const EARLIEST_MS = Date.UTC(1900, 0, 1)
const LATEST_MS = Date.UTC(2300, 0, 1) - 1
/** An epoch-milliseconds value below this (1973-03-03) is almost surely epoch seconds. */
const SMALLEST_EPOCH_MS = 1e11

export type TimeReading = { iso: string } | { error: string }

/** `2026-10-03T16:22:05.118123+02:00` → `2026-10-03T14:22:05.118Z`; extra fraction digits are cut, not rounded. */
export function rfc3339ToIso(text: string): string | null {
  const m = RFC3339.exec(text)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number)
  if (hour > 23 || minute > 59 || second > 59) return null
  const local = Date.UTC(year, month - 1, day, hour, minute, second, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)))
  const d = new Date(local)
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]))
  if (!m[8] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return null
  return millisToIso(local - offsetMinutes * 60_000)
}

export function millisToIso(ms: number): string | null {
  if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms > LATEST_MS) return null
  return new Date(Math.trunc(ms)).toISOString()
}

/** JWT `iat` / `exp` style numbers. */
export function epochSecondsToIso(seconds: number): string | null {
  return millisToIso(seconds * 1000)
}

/** A record's time: an RFC 3339 string (any offset) or epoch milliseconds as a number. */
export function readRecordTime(value: unknown): TimeReading {
  if (typeof value === 'string') {
    const iso = rfc3339ToIso(value.trim())
    return iso ? { iso } : { error: 'expected an RFC 3339 time or epoch milliseconds' }
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value < SMALLEST_EPOCH_MS) return { error: 'expected epoch milliseconds (this looks like seconds)' }
    const iso = millisToIso(value)
    return iso ? { iso } : { error: 'out of range' }
  }
  return { error: 'expected an RFC 3339 time or epoch milliseconds' }
}
