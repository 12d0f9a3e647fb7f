import { describe, expect, it } from 'vitest'
import { cliActor } from '@/lib/auth/actor'
import { InvalidParameter, pagePeriod } from '@/lib/reports/period'
import { at, fact, request, store } from '../reports/builders'
import { emptyStore, useReportStore } from '../reports/setup'

useReportStore('period')

const now = new Date('2026-12-06T08:00:00.000Z')

describe('the period a page shows', () => {
  it('takes ?from=&to= from the URL, half-open, in any ISO offset', async () => {
    const period = await pagePeriod(cliActor, new URLSearchParams({ from: '2026-10-01T02:00:00+02:00', to: '2026-10-08T00:00:00Z' }), now)
    expect(period).toEqual({ from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-08T00:00:00Z') })
  })

  it('reads a Next searchParams object, first value of a repeated parameter', async () => {
    const period = await pagePeriod(cliActor, { from: ['2026-09-01T00:00:00Z', 'x'], to: '2026-10-01T00:00:00Z' }, now)
    expect(period.from.toISOString()).toBe('2026-09-01T00:00:00.000Z')
  })

  it.each([
    [{ from: 'yesterday', to: '2026-10-08T00:00:00Z' }, 'from', 'from must be an ISO 8601 time'],
    [{ from: '2026-10-01T00:00:00Z', to: '2026-13-01' }, 'to', 'to must be an ISO 8601 time'],
    [{ from: '2026-10-08T00:00:00Z', to: '2026-10-01T00:00:00Z' }, 'from', 'from must be before to'],
    [{ from: '2026-10-08T00:00:00Z', to: '2026-10-08T00:00:00Z' }, 'from', 'from must be before to'],
    [{ from: '2026-10-01T00:00:00Z' }, 'to', 'give both from and to, or neither'],
  ])('refuses %j, naming the field', async (params, field, message) => {
    const refused = await pagePeriod(cliActor, params, now).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(InvalidParameter)
    expect(refused).toMatchObject({ field, message: expect.stringContaining(message) })
  })

  it('defaults to the last full calendar month that has data, in UTC', async () => {
    await emptyStore()
    await store({
      requests: [request({ time: at('08-14 10:00') }), request({ time: at('10-31 23:59:59.999') }), request({ time: at('12-02 09:00') })],
    })
    // December is not over: October is the last full month with data (November has none)
    expect(await pagePeriod(cliActor, {}, now)).toEqual({ from: new Date(at('10-01 00:00')), to: new Date(at('11-01 00:00')) })
  })

  it('counts IdP events as data too', async () => {
    await emptyStore()
    await store({ requests: [request({ time: at('08-14 10:00') })], facts: [fact({ kind: 'trigger', time: at('11-30 23:00'), subject_id: 'u1' })] })
    expect(await pagePeriod(cliActor, new URLSearchParams(), now)).toEqual({ from: new Date(at('11-01 00:00')), to: new Date(at('12-01 00:00')) })
  })

  it('shows the previous month when nothing is ingested yet', async () => {
    await emptyStore()
    expect(await pagePeriod(cliActor, { from: '' }, now)).toEqual({ from: new Date(at('11-01 00:00')), to: new Date(at('12-01 00:00')) })
  })
})
