import { z } from 'zod'
import { query, sql, type SqlFragment } from '@/lib/clickhouse'
import { run } from './tables'

const millis = z.coerce.number().int().nonnegative()

/** What a maintenance run had seen of an input table: its rows and its latest ingest (ms). */
const marksRow = z.object({ gateway_rows: millis, gateway_latest: millis, idp_rows: millis, idp_latest: millis })
export type InputMarks = z.infer<typeof marksRow>

const stateRow = marksRow.extend({ idp_generation: millis })
export type AttributionState = z.infer<typeof stateRow>

/** The input tables now: row counts (a drop means rows were removed: rebuild) and latest ingest. */
export async function inputMarks(): Promise<InputMarks> {
  const rows = await query<unknown>(
    sql`SELECT g.rows AS gateway_rows, g.latest AS gateway_latest, i.rows AS idp_rows, i.latest AS idp_latest
      FROM (SELECT count() AS rows, toUnixTimestamp64Milli(max(ingested_at)) AS latest FROM gateway_requests) AS g
      CROSS JOIN (SELECT count() AS rows, toUnixTimestamp64Milli(max(ingested_at)) AS latest FROM idp_events) AS i`,
    { tag: 'attribution:marks' },
  )
  return marksRow.parse(rows[0])
}

/** The latest maintenance run's state, or null before the first. */
export async function readState(): Promise<AttributionState | null> {
  const rows = await query<unknown>(
    sql`SELECT idp_generation, gateway_rows, toUnixTimestamp64Milli(gateway_watermark) AS gateway_latest,
        idp_rows, toUnixTimestamp64Milli(idp_watermark) AS idp_latest
      FROM attribution_state ORDER BY completed_at DESC LIMIT 1`,
    { tag: 'attribution:state' },
  )
  return rows.length === 0 ? null : stateRow.parse(rows[0])
}

export async function writeState(state: AttributionState): Promise<void> {
  await run(
    sql`INSERT INTO attribution_state (idp_generation, gateway_watermark, idp_watermark, gateway_rows, idp_rows)
      SELECT toUInt64(${state.idp_generation}), ${atMillis(state.gateway_latest)}, ${atMillis(state.idp_latest)},
        toUInt64(${state.gateway_rows}), toUInt64(${state.idp_rows})`,
    'state',
  )
}

/** A watermark (ms since the epoch) as a DateTime64(3) expression. */
export function atMillis(ms: number): SqlFragment {
  return sql`fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`
}
