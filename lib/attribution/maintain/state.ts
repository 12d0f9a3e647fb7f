import { z } from 'zod'
import { query, sql, type SqlFragment } from '@/lib/clickhouse'
import { run } from './tables'

const millis = z.coerce.number().int().nonnegative()

/** What a maintenance run had seen of an input table: its rows and its latest ingest (ms). */
const marksRow = z.object({ gateway_rows: millis, gateway_latest: millis, gateway_at_watermark: millis, idp_rows: millis, idp_latest: millis })
export type InputMarks = z.infer<typeof marksRow>

const stateRow = marksRow.extend({ idp_generation: millis })
export type AttributionState = z.infer<typeof stateRow>

const keptRow = marksRow.extend({ gateway_kept: millis, gateway_at_previous: millis, idp_kept: millis })
/** The input tables now, and how many of their rows were ingested up to `state`'s watermarks. */
export type InputsNow = z.infer<typeof keptRow>

/**
 * The input tables now: row counts, latest ingest, and the rows ingested up to the previous
 * run's watermarks. None of those left means the rows it covered were removed (a TRUNCATE): the
 * state is rebuilt; fewer is a merge dropping duplicate copies (lib/attribution/maintain/index.ts).
 */
export async function inputsNow(state: AttributionState | null): Promise<InputsNow> {
  const [gatewayUpTo, idpUpTo] = [atMillis(state?.gateway_latest ?? 0), atMillis(state?.idp_latest ?? 0)]
  const rows = await query<unknown>(
    sql`SELECT g.rows AS gateway_rows, g.latest AS gateway_latest, g.kept AS gateway_kept,
        g.at_latest AS gateway_at_watermark, g.at_previous AS gateway_at_previous,
        i.rows AS idp_rows, i.latest AS idp_latest, i.kept AS idp_kept
      FROM (SELECT count() AS rows, toUnixTimestamp64Milli(max(ingested_at)) AS latest, countIf(ingested_at <= ${gatewayUpTo}) AS kept,
              countIf(ingested_at = (SELECT max(ingested_at) FROM gateway_requests)) AS at_latest,
              countIf(ingested_at = ${gatewayUpTo}) AS at_previous
            FROM gateway_requests) AS g
      CROSS JOIN (SELECT count() AS rows, toUnixTimestamp64Milli(max(ingested_at)) AS latest, countIf(ingested_at <= ${idpUpTo}) AS kept
            FROM idp_events) AS i`,
    { tag: 'attribution:marks' },
  )
  return keptRow.parse(rows[0])
}

/**
 * Whether the inputs are as `state` saw them: the same row counts (part metadata, no read)
 * and the same latest ingest, read only from the granules the minmax index on ingested_at
 * puts at or after the watermark. The same test maintainAttribution makes with inputsNow,
 * without a pass over every row: what a reader pays when nothing arrived.
 */
export async function inputsUnchanged(state: AttributionState): Promise<boolean> {
  const rows = await query<unknown>(
    sql`SELECT (SELECT count() FROM gateway_requests) AS gateway_rows,
        (SELECT toUnixTimestamp64Milli(max(ingested_at)) FROM gateway_requests WHERE ingested_at >= ${atMillis(state.gateway_latest)}) AS gateway_latest,
        (SELECT count() FROM idp_events) AS idp_rows,
        (SELECT toUnixTimestamp64Milli(max(ingested_at)) FROM idp_events WHERE ingested_at >= ${atMillis(state.idp_latest)}) AS idp_latest`,
    { tag: 'attribution:unchanged' },
  )
  const now = marksRow.pick({ gateway_rows: true, gateway_latest: true, idp_rows: true, idp_latest: true }).parse(rows[0])
  return (
    now.gateway_rows === state.gateway_rows && now.gateway_latest === state.gateway_latest &&
    now.idp_rows === state.idp_rows && now.idp_latest === state.idp_latest
  )
}

/** The watermarks and counts a run records of what it saw. */
export function marksOf(now: InputsNow): InputMarks {
  return {
    gateway_rows: now.gateway_rows,
    gateway_latest: now.gateway_latest,
    gateway_at_watermark: now.gateway_at_watermark,
    idp_rows: now.idp_rows,
    idp_latest: now.idp_latest,
  }
}

/**
 * The gateway rows stored since `state`: after its watermark, and those at the watermark's own
 * millisecond too when more are there now than it counted (an insert in the same millisecond).
 */
export function storedSince(state: AttributionState, now: InputsNow): SqlFragment {
  const mark = atMillis(state.gateway_latest)
  return now.gateway_at_previous > state.gateway_at_watermark ? sql`ingested_at >= ${mark}` : sql`ingested_at > ${mark}`
}

/** The latest maintenance run's state, or null before the first. */
export async function readState(): Promise<AttributionState | null> {
  const rows = await query<unknown>(
    sql`SELECT idp_generation, gateway_rows, toUnixTimestamp64Milli(gateway_watermark) AS gateway_latest,
        gateway_at_watermark, idp_rows, toUnixTimestamp64Milli(idp_watermark) AS idp_latest
      FROM attribution_state ORDER BY completed_at DESC LIMIT 1`,
    { tag: 'attribution:state' },
  )
  return rows.length === 0 ? null : stateRow.parse(rows[0])
}

export async function writeState(state: AttributionState): Promise<void> {
  await run(
    sql`INSERT INTO attribution_state (idp_generation, gateway_watermark, idp_watermark, gateway_rows, gateway_at_watermark, idp_rows)
      SELECT toUInt64(${state.idp_generation}), ${atMillis(state.gateway_latest)}, ${atMillis(state.idp_latest)},
        toUInt64(${state.gateway_rows}), toUInt64(${state.gateway_at_watermark}), toUInt64(${state.idp_rows})`,
    'state',
  )
}

/** A watermark (ms since the epoch) as a DateTime64(3) expression. */
export function atMillis(ms: number): SqlFragment {
  return sql`fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`
}
