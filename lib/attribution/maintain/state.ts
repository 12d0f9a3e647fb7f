import { z } from 'zod'
import { query, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { run } from './tables'

const millis = z.coerce.number().int().nonnegative()

/** What a maintenance run had seen of an input table: its rows and its latest ingest (ms). */
const marksRow = z.object({ gateway_rows: millis, gateway_latest: millis, gateway_at_watermark: millis, idp_rows: millis, idp_latest: millis, idp_at_watermark: millis })
export type InputMarks = z.infer<typeof marksRow>

/** `completed`: when the run finished (µs, the engine's clock, as attributed_actions versions): every version up to it is in the rollups. */
const stateRow = marksRow.extend({ idp_generation: millis, completed: millis.optional() })
export type AttributionState = z.infer<typeof stateRow>

const found = z.coerce.number().int().min(0).max(1).transform((n) => n === 1)

const nowRow = marksRow.extend({ gateway_covered: z.boolean(), gateway_at_previous: millis, idp_covered: z.boolean(), idp_at_previous: millis })
/** The input tables now, and whether any of their rows ingested up to `state`'s watermarks is still stored (`_covered`). */
export type InputsNow = z.infer<typeof nowRow>

const sinceRow = z.object({ rows: millis, latest: millis, covered: found, at_latest: millis, at_previous: millis })

/**
 * The input tables now: row counts, latest ingest, and whether a row ingested up to the previous
 * run's watermarks is still stored. None left means the rows it covered were removed (a TRUNCATE):
 * the state is rebuilt; fewer is a merge dropping duplicate copies (lib/attribution/maintain/index.ts).
 * In proportion to what arrived since the watermarks: the totals come from part metadata, the rest
 * from the rows at or after each watermark (the minmax index on ingested_at skips the older granules),
 * and a covered row is looked for with LIMIT 1. Only a table with no row left at or after its
 * watermark (emptied, or the first run) is read whole.
 */
export async function inputsNow(state: AttributionState | null): Promise<InputsNow> {
  const [gateway, idp] = await Promise.all([
    inputSince('gateway_requests', state?.gateway_latest ?? 0),
    inputSince('idp_events', state?.idp_latest ?? 0),
  ])
  return nowRow.parse({
    gateway_rows: gateway.rows, gateway_latest: gateway.latest, gateway_covered: gateway.covered,
    gateway_at_watermark: gateway.at_latest, gateway_at_previous: gateway.at_previous,
    idp_rows: idp.rows, idp_latest: idp.latest, idp_covered: idp.covered,
    idp_at_watermark: idp.at_latest, idp_at_previous: idp.at_previous,
  })
}

type InputSince = z.infer<typeof sinceRow>

/** One input table's count (metadata), whether a row up to `upToMs` is left, and its latest ingest and counts around `upToMs` read from the rows at or after it. */
async function inputSince(table: 'gateway_requests' | 'idp_events', upToMs: number): Promise<InputSince> {
  const from = upToMs > 0 ? sql`WHERE ingested_at >= ${atMillis(upToMs)}` : sql``
  const since = await sinceWatermark(table, upToMs, from)
  // nothing at or after the watermark: what is left is older, read it whole (its latest and the rows at it)
  return since.rows > 0 && since.latest === 0 && upToMs > 0 ? sinceWatermark(table, upToMs, sql``) : since
}

/**
 * Each subquery reads its own snapshot of the table's parts, and a background merge that drops duplicate copies
 * may land between them. So nothing here is worked out across two of them: whether a covered row is left is its own
 * question (an earlier `total − rows after the watermark` came out negative, or above zero after a TRUNCATE, when
 * a merge fell between its two reads). Across snapshots the other marks only err the safe way: a count at the
 * latest ingest too low reads that millisecond again next time.
 */
async function sinceWatermark(table: 'gateway_requests' | 'idp_events', upToMs: number, where: SqlFragment): Promise<InputSince> {
  const upTo = atMillis(upToMs)
  const name = unsafeRawSql(table)
  const rows = await query<unknown>(
    sql`SELECT (SELECT count() FROM ${name}) AS rows, toUnixTimestamp64Milli(max(ingested_at)) AS latest,
        (SELECT count() FROM (SELECT 1 FROM ${name} WHERE ingested_at <= ${upTo} LIMIT 1)) AS covered,
        countIf(ingested_at = (SELECT max(ingested_at) FROM ${name} ${where})) AS at_latest,
        countIf(ingested_at = ${upTo}) AS at_previous
      FROM ${name} ${where}`,
    { tag: `attribution:marks-${table}` },
  )
  return sinceRow.parse(rows[0])
}

/**
 * Whether the inputs are as `state` saw them: the same row counts (part metadata, no read)
 * and the same latest ingest, read only from the granules the minmax index on ingested_at
 * puts at or after the watermark. The same test maintainAttribution makes with inputsNow,
 * without a pass over every row: what a reader pays when nothing arrived. Not derived from
 * inputsNow: that one also counts the rows at and after each watermark, which doubles the cost
 * (at 10M actions 122–139 ms against 75 ms, BENCHMARKS.md) for every reader, and only a run
 * that maintains needs those counts.
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
    idp_at_watermark: now.idp_at_watermark,
  }
}

/**
 * The gateway rows stored since `state`: after its watermark, and those at the watermark's own
 * millisecond too when more are there now than it counted (an insert in the same millisecond).
 */
export function storedSince(state: AttributionState, now: InputsNow): SqlFragment {
  return rowsSince(state.gateway_latest, now.gateway_at_previous > state.gateway_at_watermark)
}

/** The IdP facts stored since `state`, as storedSince: a state written before it counted them (0) reads its millisecond again. */
export function factsStoredSince(state: AttributionState, now: InputsNow): SqlFragment {
  return rowsSince(state.idp_latest, now.idp_at_previous > state.idp_at_watermark)
}

function rowsSince(watermark: number, moreAtWatermark: boolean): SqlFragment {
  return moreAtWatermark ? sql`ingested_at >= ${atMillis(watermark)}` : sql`ingested_at > ${atMillis(watermark)}`
}

/** The latest maintenance run's state, or null before the first. */
export async function readState(): Promise<AttributionState | null> {
  const rows = await query<unknown>(
    sql`SELECT idp_generation, gateway_rows, toUnixTimestamp64Milli(gateway_watermark) AS gateway_latest,
        gateway_at_watermark, idp_rows, toUnixTimestamp64Milli(idp_watermark) AS idp_latest, idp_at_watermark,
        toUnixTimestamp64Micro(completed_at) AS completed
      FROM attribution_state ORDER BY completed_at DESC LIMIT 1`,
    { tag: 'attribution:state' },
  )
  return rows.length === 0 ? null : stateRow.parse(rows[0])
}

export async function writeState(state: AttributionState): Promise<void> {
  await run(
    sql`INSERT INTO attribution_state (idp_generation, gateway_watermark, idp_watermark, gateway_rows, gateway_at_watermark, idp_rows, idp_at_watermark)
      SELECT toUInt64(${state.idp_generation}), ${atMillis(state.gateway_latest)}, ${atMillis(state.idp_latest)},
        toUInt64(${state.gateway_rows}), toUInt64(${state.gateway_at_watermark}), toUInt64(${state.idp_rows}), toUInt64(${state.idp_at_watermark})`,
    'state',
  )
}

/** A watermark (ms since the epoch) as a DateTime64(3) expression. */
export function atMillis(ms: number): SqlFragment {
  return sql`fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`
}
