import { randomUUID } from 'node:crypto'
import { command, query, sql } from '@/lib/clickhouse'
import { stageOktaRows } from './okta-event-sql'
import { splitSendable } from './sendable'
import { deleteStagedBatch, stageLines, type EngineOutcome, type StagedLine } from './staging'

/**
 * Stores a batch of Okta System Log lines (`--source okta`) with the engine doing the
 * parsing, as the gateway fast path does: staged as text, each line is read once into
 * ingest_staging_okta (db/clickhouse/0008), the LogEvents the engine vouches for with the
 * idp_events rows lib/sources/okta.ts builds; those are stored once per event id, and
 * every other line comes back in `fallback` for the JS parser (its facts, or its reject).
 */
export async function storeOktaLinesInEngine(run: { runId: string; file: string }, lines: StagedLine[]): Promise<EngineOutcome> {
  const { sendable, unsendable } = splitSendable(lines)
  if (sendable.length === 0) return { accepted: 0, duplicates: 0, fallback: lines }
  const staged = await stageLines(run, randomUUID(), sendable)
  const batchId = staged.batchId
  try {
    await command(stageOktaRows(staged.lines, batchId), { tag: 'ingest:okta-engine-rows', settings: ENGINE_SETTINGS })
    const route = await routeOf(batchId)
    if (Number(route.staged) !== sendable.length) {
      throw new Error(`staged batch ${batchId} holds ${route.staged} of ${sendable.length} lines`)
    }
    const fresh = Number(route.fresh)
    const candidates = Number(route.candidates)
    if (fresh > 0) {
      // the common case, nothing stored yet and nothing repeated, needs no dedupe in the insert
      const insert = fresh === candidates ? insertFacts(run.runId, batchId) : insertFreshFacts(run.runId, batchId)
      await command(insert, { tag: 'ingest:okta-engine-insert', settings: INSERT_SETTINGS })
    }
    const back = new Set([...unsendable, ...route.fallback.map((seq) => sendable[seq])])
    return { accepted: fresh, duplicates: candidates - fresh, fallback: lines.filter((l) => back.has(l)) }
  } finally {
    await staged.release()
    await deleteStagedBatch('ingest_staging_okta', batchId)
  }
}

type Route = { staged: string | number; candidates: string | number; fresh: string | number; fallback: number[] }

/** Counts before inserting: how many fast lines are new (not stored, first in the batch), and which lines fall back. */
async function routeOf(batchId: string): Promise<Route> {
  const [route] = await query<Route>(
    sql`SELECT
          count() AS staged,
          countIf(fast) AS candidates,
          uniqExactIf(event_id, fast AND event_id GLOBAL NOT IN (${storedEventIds(batchId)})) AS fresh,
          arraySort(groupArrayIf(seq, NOT fast)) AS fallback
        FROM ingest_staging_okta
        WHERE batch_id = ${batchId}`,
    { tag: 'ingest:okta-engine-route', settings: STORED_LOOKUP_SETTINGS },
  )
  return route
}

/** The facts of the first line of each new event id. */
function insertFreshFacts(runId: string, batchId: string) {
  return sql`${insertFacts(runId, batchId)}
    AND event_id GLOBAL NOT IN (${storedEventIds(batchId)})
    AND (event_id, seq) IN (SELECT event_id, min(seq) FROM ingest_staging_okta WHERE batch_id = ${batchId} AND fast GROUP BY event_id)`
}

/** The facts of every fast line of the batch, one row each. */
function insertFacts(runId: string, batchId: string) {
  return sql`
    INSERT INTO idp_events (event_id, fact_index, source, time, kind, vendor_event_type, subject_kind, subject_id, email, login,
      display_name, owner, client_id, credential_id, credential_type, issued_at, expires_at, raw, run_id)
    SELECT event_id, toUInt8(index - 1), 'okta', time, f.kind, vendor_event_type, f.subject_kind, f.subject_id, f.email, f.login,
      f.display_name, f.owner, f.client_id, f.credential_id, f.credential_type, f.issued_at, f.expires_at,
      if(index = 1, raw, ''), ${runId}
    FROM ingest_staging_okta
    ARRAY JOIN facts AS f, arrayEnumerate(facts) AS index
    WHERE batch_id = ${batchId} AND fast`
}

/** Event ids of the batch's fast lines already stored. */
function storedEventIds(batchId: string) {
  return sql`
    SELECT event_id FROM idp_events
    WHERE source = 'okta' AND event_id IN (SELECT event_id FROM ingest_staging_okta WHERE batch_id = ${batchId} AND fast)`
}

const STORED_LOOKUP_SETTINGS = { use_index_for_in_with_subqueries: 0 }

const ENGINE_SETTINGS = {
  // every branch is cheap and none throws: lazy branches would copy the wide columns once per branch
  short_circuit_function_evaluation: 'disable',
  // it compares every pair of comparisons in an AND chain: planning the verdict took 5x as long with it
  optimize_and_compare_chain: 0,
  // blocks of a few thousand records keep the arrays of each record's objects and facts small (peak RSS)
  max_block_size: 4096,
  // the staged rows stay in the engine's blocks (a Memory table reads one thread per block)
  min_insert_block_size_rows: 0,
  min_insert_block_size_bytes: 0,
  distributed_foreground_insert: 1,
}

const INSERT_SETTINGS = {
  ...STORED_LOOKUP_SETTINGS,
  // the rows are unique by event id already: skip ReplacingMergeTree's merge of the new block
  optimize_on_insert: 0,
  // a System Log backfill may span more than 100 months (partitions)
  throw_on_max_partitions_per_insert_block: 0,
}
