import { describe, expect, it } from 'vitest'
import { command, insert, query, sql } from '@/lib/clickhouse'
import { maintainAttribution } from '@/lib/attribution'
import { inputsNow, readState, atMillis, type AttributionState } from '@/lib/attribution/maintain/state'
import { at, person, request } from './builders'
import { emptyStore, useReportStore } from './setup'

useReportStore('maintained-marks')

/** The marks read over every row of both tables: what inputsNow answered before it read only the rows since the watermarks. */
async function wholeTableMarks(state: AttributionState | null) {
  const [gatewayUpTo, idpUpTo] = [atMillis(state?.gateway_latest ?? 0), atMillis(state?.idp_latest ?? 0)]
  const [row] = await query<Record<string, string>>(
    sql`SELECT g.rows AS gateway_rows, g.latest AS gateway_latest, g.covered AS gateway_covered,
        g.at_latest AS gateway_at_watermark, g.at_previous AS gateway_at_previous,
        i.rows AS idp_rows, i.latest AS idp_latest, i.covered AS idp_covered, i.at_latest AS idp_at_watermark, i.at_previous AS idp_at_previous
      FROM (SELECT count() AS rows, toUnixTimestamp64Milli(max(ingested_at)) AS latest, countIf(ingested_at <= ${gatewayUpTo}) > 0 AS covered,
              countIf(ingested_at = (SELECT max(ingested_at) FROM gateway_requests)) AS at_latest,
              countIf(ingested_at = ${gatewayUpTo}) AS at_previous
            FROM gateway_requests) AS g
      CROSS JOIN (SELECT count() AS rows, toUnixTimestamp64Milli(max(ingested_at)) AS latest, countIf(ingested_at <= ${idpUpTo}) > 0 AS covered,
              countIf(ingested_at = (SELECT max(ingested_at) FROM idp_events)) AS at_latest, countIf(ingested_at = ${idpUpTo}) AS at_previous
            FROM idp_events) AS i`,
    { tag: 'test' },
  )
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k.endsWith('_covered') ? Number(v) === 1 : Number(v)]))
}

/** Requests stored at one given ingest instant (two inserts in the same millisecond look like this). */
async function storedAt(ingestedAt: string, ids: string[]): Promise<void> {
  const rows = ids.map((id, i) => ({ ...request({ time: at(`10-01 09:0${i}`), event_id: id }), ingested_at: ingestedAt.replace('T', ' ').replace('Z', '') }))
  await insert('gateway_requests', rows, { tag: 'test' })
}

describe("attribution's catch-up marks, read from the rows since the watermarks", () => {
  it('equal the marks over every row: first run, new rows, rows in the watermark millisecond, merged duplicates, a truncated table, newer rows after it', { timeout: 120_000 }, async () => {
    await emptyStore()
    expect(await inputsNow(null)).toEqual(await wholeTableMarks(null))
    await storedAt('2026-11-01T00:00:00.000Z', ['a', 'b'])
    await insert('idp_events', [person('00uDANA', 'dana@example.com')], { tag: 'test' })
    expect(await inputsNow(null)).toEqual(await wholeTableMarks(null))
    await maintainAttribution()
    const state = (await readState())!

    await storedAt('2026-11-01T00:00:00.000Z', ['c']) // the watermark's own millisecond
    await storedAt('2026-11-02T00:00:00.000Z', ['d', 'e'])
    await storedAt('2026-11-02T00:00:00.000Z', ['a']) // a second copy of a stored request, newer
    const now = await inputsNow(state)
    expect(now).toEqual(await wholeTableMarks(state))
    expect(now).toMatchObject({ gateway_rows: 6, gateway_covered: true, gateway_at_previous: 3, gateway_at_watermark: 3 })

    await command(sql`OPTIMIZE TABLE gateway_requests FINAL`, { tag: 'test' })
    expect(await inputsNow(state)).toEqual(await wholeTableMarks(state))
    expect((await inputsNow(state)).gateway_rows).toBe(5)

    // only rows older than the watermark left (stored with an earlier ingest time): read whole
    await command(sql`TRUNCATE TABLE gateway_requests`, { tag: 'test' })
    await storedAt('2026-10-01T00:00:00.000Z', ['f'])
    expect(await inputsNow(state)).toEqual(await wholeTableMarks(state))
    expect(await inputsNow(state)).toMatchObject({ gateway_rows: 1, gateway_covered: true, gateway_latest: Date.parse('2026-10-01T00:00:00Z') })

    // every covered row gone, newer ones stored (a test's TRUNCATE and its next rows): nothing covered is left
    await command(sql`TRUNCATE TABLE gateway_requests`, { tag: 'test' })
    await storedAt('2026-11-03T00:00:00.000Z', ['a', 'b'])
    expect(await inputsNow(state)).toEqual(await wholeTableMarks(state))
    expect(await inputsNow(state)).toMatchObject({ gateway_rows: 2, gateway_covered: false })

    await command(sql`TRUNCATE TABLE gateway_requests`, { tag: 'test' })
    expect(await inputsNow(state)).toEqual(await wholeTableMarks(state))
  })
})
