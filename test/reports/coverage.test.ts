import { describe, expect, it } from 'vitest'
import { coverageReport } from '@/lib/reports/coverage'
import { at, fact, inventoryKey, request, store, twice } from './builders'
import { header, period, useReportStore } from './setup'

useReportStore('coverage')

describe('coverage report', () => {
  it('shows per source its events in the period, first and last, and the days without any', async () => {
    const sameRecord = 'okta-record-1'
    await store({
      requests: twice(
        [
          request({ time: at('09-30 23:00') }),
          request({ time: at('10-01 08:00') }),
          request({ time: at('10-01 09:00'), outcome: 'denied' }),
          request({ time: at('10-03 23:59') }),
        ],
        (r) => r.time === at('10-01 08:00'),
      ),
      facts: [
        fact({ event_id: sameRecord, fact_index: 0, kind: 'identity', time: at('10-02 12:00'), subject_id: '00uDANA' }),
        fact({ event_id: sameRecord, fact_index: 1, kind: 'trigger', time: at('10-02 12:00'), subject_id: '00uDANA' }),
        inventoryKey('sha256:old', { type: 'api_key', created: at('09-01 00:00'), owner: 'dana@example.com' }),
      ],
    })
    const threeDays = period(at('10-01 00:00'), at('10-04 00:00'))
    expect(await coverageReport(threeDays)).toEqual({
      ...header('coverage', threeDays),
      days: 3,
      sources: [
        { source: 'gateway', events: 3, first_event: at('10-01 08:00'), last_event: at('10-03 23:59'), days_without_events: 1 },
        { source: 'keys', events: 0, first_event: null, last_event: null, days_without_events: 3 },
        { source: 'okta', events: 1, first_event: at('10-02 12:00'), last_event: at('10-02 12:00'), days_without_events: 2 },
      ],
    })
  })

  it('counts every UTC day a partial period touches', async () => {
    const evening = period(at('10-01 12:00'), at('10-02 13:00'))
    const report = await coverageReport(evening)
    expect(report.days).toBe(2)
    expect(report.sources.map((s) => [s.source, s.events, s.days_without_events])).toEqual([
      ['gateway', 0, 2],
      ['keys', 0, 2],
      ['okta', 1, 1],
    ])
  })
})
