import { describe, expect, it } from 'vitest'
import { REPORT_NAMES, REPORTS, isReportName } from '@/lib/reports'
import { header, period, useReportStore } from './setup'

const HEADER = new Set(Object.keys(header('any', period('2026-10-01T00:00:00.000Z', '2026-10-02T00:00:00.000Z'))))
const PERCENTILE = /^(age_days|latency_seconds)\./

/** Every number in a report but its header, by path; a list counts as its length. */
function counts(value: unknown, at = ''): [string, unknown][] {
  if (Array.isArray(value)) return [[at, value.length]]
  if (value === null || typeof value !== 'object') return [[at, value]]
  return Object.entries(value)
    .filter(([key]) => at || !HEADER.has(key))
    .flatMap(([key, child]) => counts(child, at ? `${at}.${key}` : key))
}

useReportStore('registry')

describe('report registry', () => {
  it('offers the four evidence reports of metrics.md and the two operational ones by name', () => {
    expect(REPORT_NAMES).toEqual(['unattributed', 'token-age', 'revocation-latency', 'attribution', 'off-gateway', 'coverage'])
    expect(isReportName('token-age')).toBe(true)
    expect(isReportName('toString')).toBe(false)
  })

  it('answers every report on an empty store with nothing counted, as plain JSON', async () => {
    const opts = period('2026-10-01T00:00:00.000Z', '2026-10-02T00:00:00.000Z')
    for (const name of REPORT_NAMES) {
      const report = await REPORTS[name](opts)
      expect(report).toMatchObject(header(name, opts))
      expect(JSON.parse(JSON.stringify(report))).toEqual(report)
      const found = counts(report)
      expect(found.length, name).toBeGreaterThan(0)
      // Nothing to count, no percentile of nothing; the one-day period is coverage's one day.
      for (const [at, value] of found) expect(value, `${name} ${at}`).toBe(PERCENTILE.test(at) ? null : name === 'coverage' && at === 'days' ? 1 : 0)
    }
  })

  it('refuses a period whose end is not after its start', async () => {
    const backwards = period('2026-10-02T00:00:00.000Z', '2026-10-01T00:00:00.000Z')
    await expect(REPORTS.unattributed(backwards)).rejects.toThrow(/from must be before to/)
  })
})
