/**
 * How packs print values, with no locale: the bytes must not depend on the machine's
 * settings. Numbers as their exact JSON form (what `custody report --json` prints), times
 * as ISO 8601 UTC, days as YYYY-MM-DD.
 */
export function exact(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value instanceof Date) return value.toISOString()
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** One cell of a population table: as the population's CSV writes it (empty for null, true/false). */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

export function day(t: Date | string): string {
  return (typeof t === 'string' ? t : t.toISOString()).slice(0, 10)
}

/** `2026-10-03, 2026-10-05 – 2026-10-09`: runs of consecutive days shown as ranges. */
export function dayRanges(days: string[]): string {
  const runs: [string, string][] = []
  for (const d of days) {
    const last = runs.at(-1)
    if (last && Date.parse(d) - Date.parse(last[1]) === 86_400_000) last[1] = d
    else runs.push([d, d])
  }
  return runs.map(([a, b]) => (a === b ? a : `${a} – ${b}`)).join(', ')
}
