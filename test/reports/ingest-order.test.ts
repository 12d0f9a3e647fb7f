import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { insert } from '@/lib/clickhouse'
import { REPORT_NAMES, REPORTS } from '@/lib/reports'
import type { GatewayRequestRow, IdpFactRow } from '@/lib/sources/types'
import { at } from './builders'
import { mixedDay } from './scenario'
import { emptyStore, period, useReportStore } from './setup'
import { storeProperty } from '../store-property'

useReportStore('ingest-order')

type Row = { table: 'gateway_requests'; row: GatewayRequestRow } | { table: 'idp_events'; row: IdpFactRow }

const scenario = mixedDay()
const rows: Row[] = [
  ...scenario.facts.map((row) => ({ table: 'idp_events' as const, row })),
  ...scenario.requests.map((row) => ({ table: 'gateway_requests' as const, row })),
]
const day = period(at('10-01 00:00'), at('10-02 00:00'), at('10-03 00:00'))

async function allReports(): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {}
  for (const name of REPORT_NAMES) answers[name] = await REPORTS[name](day)
  return answers
}

/** Stores the rows batch by batch, each batch's two tables in the given order. */
async function storeInBatches(batches: Row[][], factsFirst: boolean): Promise<void> {
  for (const batch of batches) {
    const requests = batch.flatMap((r) => (r.table === 'gateway_requests' ? [r.row] : []))
    const facts = batch.flatMap((r) => (r.table === 'idp_events' ? [r.row] : []))
    if (factsFirst) await insert('idp_events', facts, { tag: 'test' })
    await insert('gateway_requests', requests, { tag: 'test' })
    if (!factsFirst) await insert('idp_events', facts, { tag: 'test' })
  }
}

function split<T>(items: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b)
  const batches: T[][] = []
  let start = 0
  for (const point of [...points, items.length]) {
    if (point > start) batches.push(items.slice(start, point))
    start = Math.max(start, point)
  }
  return batches
}

describe('ingest order', () => {
  it('never changes a report: any order, any batches, any rows stored twice', { timeout: 300_000 }, async ({ task }) => {
    await emptyStore()
    await storeInBatches([rows], true)
    const expected = await allReports()
    expect((expected.unattributed as { total_actions: number }).total_actions).toBe(18)

    const indices = rows.map((_, i) => i)
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(indices, { minLength: rows.length, maxLength: rows.length }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.subarray(indices),
        fc.boolean(),
        async (order, cuts, repeated, factsFirst) => {
          await emptyStore()
          const arriving = [...order, ...repeated].map((i) => rows[i])
          await storeInBatches(split(arriving, cuts), factsFirst)
          expect(await allReports()).toEqual(expected)
        },
      ),
      storeProperty(8, task),
    )
  })
})
