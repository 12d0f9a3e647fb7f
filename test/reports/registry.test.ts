import { describe, expect, it } from 'vitest'
import { REPORT_NAMES, REPORT_SCHEMAS, REPORTS, isReportName } from '@/lib/reports'
import { period, useReportStore } from './setup'

useReportStore('registry')

describe('report registry', () => {
  it('offers the four evidence reports of metrics.md and the two operational ones by name', () => {
    expect(REPORT_NAMES).toEqual(['unattributed', 'token-age', 'revocation-latency', 'attribution', 'off-gateway', 'coverage'])
    expect(isReportName('token-age')).toBe(true)
    expect(isReportName('toString')).toBe(false)
  })

  it('answers every report on an empty store with JSON its schema accepts', async () => {
    const opts = period('2026-10-01T00:00:00.000Z', '2026-10-02T00:00:00.000Z')
    for (const name of REPORT_NAMES) {
      const report = await REPORTS[name](opts)
      expect(report.report).toBe(name)
      expect(REPORT_SCHEMAS[name].parse(JSON.parse(JSON.stringify(report)))).toEqual(report)
    }
  })

  it('refuses a period whose end is not after its start', async () => {
    const backwards = period('2026-10-02T00:00:00.000Z', '2026-10-01T00:00:00.000Z')
    await expect(REPORTS.unattributed(backwards)).rejects.toThrow(/from must be before to/)
  })
})
