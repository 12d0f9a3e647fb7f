import { sql } from '@/lib/clickhouse'
import { storeLinesInEngine, type EngineSource } from './engine-store'
import { stageOktaRows } from './okta-event-sql'
import type { EngineOutcome, StagedLine } from './staging'

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

/**
 * Okta System Log lines (`--source okta`) parsed by the engine (storeLinesInEngine): each
 * line is read once into ingest_staging_okta (db/clickhouse/0008), the LogEvents the engine
 * vouches for with the idp_events rows lib/sources/okta.ts builds; every other line goes to
 * the JS parser (its facts, or its reject).
 */
export const OKTA_ENGINE: EngineSource = {
  source: 'okta',
  rowsTable: 'ingest_staging_okta',
  buildRows: (batchId, lines) => stageOktaRows(lines, batchId),
  buildSettings: ENGINE_SETTINGS,
  storedEventIds,
  insertAll: insertFacts,
  insertFresh: insertFreshFacts,
}

export function storeOktaLinesInEngine(run: { runId: string; file: string }, lines: StagedLine[]): Promise<EngineOutcome> {
  return storeLinesInEngine(OKTA_ENGINE, run, lines)
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
