import { randomUUID } from 'node:crypto'
import { command, query, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { splitSendable } from './sendable'
import { deleteStagedBatch, stageLines, type EngineOutcome, type StagedLine } from './staging'

/** What one source's engine path adds to the common steps of storeLinesInEngine. */
export type EngineSource = {
  source: 'gateway' | 'okta'
  /** rows of the staged lines, one per line: `seq`, `fast` (the engine vouches for it), `event_id`, and the source's rows */
  rowsTable: 'ingest_staging_gateway' | 'ingest_staging_okta'
  /** fills rowsTable from the batch's staged text */
  buildRows: (batchId: string, lines: SqlFragment) => SqlFragment
  buildSettings?: Record<string, string | number>
  /** event ids of the batch's fast lines already stored */
  storedEventIds: (batchId: string) => SqlFragment
  /** stores every fast line's rows (nothing stored yet, nothing repeated) */
  insertAll: (runId: string, batchId: string) => SqlFragment
  /** stores the rows of the first line of each event id not stored yet */
  insertFresh: (runId: string, batchId: string) => SqlFragment
}

/**
 * Stores a batch of NDJSON lines with the engine doing the parsing: the lines are staged as
 * text, ClickHouse builds the rows of the lines it vouches for exactly as the source's JS
 * parser would, and stores those not stored yet. Every other line comes back in `fallback`,
 * so every reject and its reason still come from the JS parser.
 */
export async function storeLinesInEngine(
  engine: EngineSource,
  run: { runId: string; file: string },
  lines: StagedLine[],
): Promise<EngineOutcome> {
  const { sendable, unsendable } = splitSendable(lines)
  if (sendable.length === 0) return { accepted: 0, duplicates: 0, fallback: lines }
  const staged = await stageLines(run, randomUUID(), sendable)
  const batchId = staged.batchId
  try {
    await command(engine.buildRows(batchId, staged.lines), { tag: `ingest:${engine.source}-engine-rows`, settings: engine.buildSettings })
    const route = await routeOf(engine, batchId)
    if (Number(route.staged) !== sendable.length) {
      throw new Error(`staged batch ${batchId} holds ${route.staged} of ${sendable.length} lines`)
    }
    const fresh = Number(route.fresh)
    const candidates = Number(route.candidates)
    if (fresh > 0) {
      // the common case, nothing stored yet and nothing repeated, needs no dedupe in the insert
      const insert = fresh === candidates ? engine.insertAll(run.runId, batchId) : engine.insertFresh(run.runId, batchId)
      await command(insert, { tag: `ingest:${engine.source}-engine-insert`, settings: INSERT_SETTINGS })
    }
    const back = new Set([...unsendable, ...route.fallback.map((seq) => sendable[seq])])
    return { accepted: fresh, duplicates: candidates - fresh, fallback: lines.filter((l) => back.has(l)) }
  } finally {
    await staged.release()
    await deleteStagedBatch(engine.rowsTable, batchId)
  }
}

type Route = { staged: string | number; candidates: string | number; fresh: string | number; fallback: number[] }

/** Counts before inserting: how many fast lines are new (not stored, first in the batch), and which lines fall back. */
async function routeOf(engine: EngineSource, batchId: string): Promise<Route> {
  const [route] = await query<Route>(
    sql`SELECT
          count() AS staged,
          countIf(fast) AS candidates,
          uniqExactIf(event_id, fast AND event_id GLOBAL NOT IN (${engine.storedEventIds(batchId)})) AS fresh,
          arraySort(groupArrayIf(seq, NOT fast)) AS fallback
        FROM ${unsafeRawSql(engine.rowsTable)}
        WHERE batch_id = ${batchId}`,
    { tag: `ingest:${engine.source}-engine-route`, settings: STORED_LOOKUP_SETTINGS },
  )
  return route
}

/**
 * Checking the primary key against a set of 50k ids costs ~80 ms a batch; the time
 * range (gateway) or the source (Okta) already keeps the read small.
 */
const STORED_LOOKUP_SETTINGS = { use_index_for_in_with_subqueries: 0 }

const INSERT_SETTINGS = {
  ...STORED_LOOKUP_SETTINGS,
  // the rows are unique by event id already: skip ReplacingMergeTree's merge of the new block (~40% of the insert)
  optimize_on_insert: 0,
  // a batch of old logs may span more than 100 months (partitions); the JS path splits such a batch instead
  throw_on_max_partitions_per_insert_block: 0,
}
