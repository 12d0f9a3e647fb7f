/** The keys every report carries that are not computed from the data. */
const HEADER_KEYS = new Set(['report', 'from', 'to', 'generated_at', 'thresholds'])

/** A report's computed keys (everything after the common header). */
export function reportBody(answer: unknown): Record<string, unknown> {
  const entries = Object.entries(answer as Record<string, unknown>).filter(([key]) => !HEADER_KEYS.has(key))
  return Object.fromEntries(entries)
}

/**
 * Where two report bodies differ, as `path: chdb ≠ postgres` lines (none: equal). Numbers
 * equal to 1e-9 relative count as equal (both engines divide doubles, but may sum in another
 * order); ISO times are compared as instants.
 */
export function differences(chdb: unknown, postgres: unknown, path = '$', found: string[] = []): string[] {
  if (found.length >= 10) return found
  if (typeof chdb === 'number' && typeof postgres === 'number') {
    if (Math.abs(chdb - postgres) > 1e-9 * Math.max(1, Math.abs(chdb))) found.push(`${path}: ${chdb} ≠ ${postgres}`)
  } else if (typeof chdb === 'string' && typeof postgres === 'string') {
    if (chdb !== postgres && !sameInstant(chdb, postgres)) found.push(`${path}: ${chdb} ≠ ${postgres}`)
  } else if (Array.isArray(chdb) && Array.isArray(postgres)) {
    if (chdb.length !== postgres.length) found.push(`${path}.length: ${chdb.length} ≠ ${postgres.length}`)
    chdb.slice(0, postgres.length).forEach((value, i) => differences(value, postgres[i], `${path}[${i}]`, found))
  } else if (isObject(chdb) && isObject(postgres)) {
    for (const key of new Set([...Object.keys(chdb), ...Object.keys(postgres)])) {
      differences(chdb[key], postgres[key], `${path}.${key}`, found)
    }
  } else if (chdb !== postgres) {
    found.push(`${path}: ${JSON.stringify(chdb)} ≠ ${JSON.stringify(postgres)}`)
  }
  return found
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function sameInstant(a: string, b: string): boolean {
  const iso = /^\d{4}-\d\d-\d\dT/
  return iso.test(a) && iso.test(b) && new Date(a).getTime() === new Date(b).getTime()
}
