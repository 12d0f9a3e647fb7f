import { randomUUID } from 'node:crypto'
import { command, query, sql } from '@/lib/clickhouse'
import { normalizeStagedGatewayLines } from './gateway-line-sql'
import { splitSendable } from './sendable'
import { deleteStagedBatch, stageLines, type EngineOutcome, type StagedLine } from './staging'

/**
 * Stores a batch of gateway log lines (`--source gateway`) with the engine doing the
 * parsing: the lines are staged as text, ClickHouse builds the rows of the plainly
 * valid ones exactly as lib/sources/gateway.ts would, and stores those not stored yet.
 * Every other line comes back in `fallback`, so every reject and its reason still come
 * from the JS parser.
 */
export async function storeGatewayLinesInEngine(run: { runId: string; file: string }, lines: StagedLine[]): Promise<EngineOutcome> {
  const { sendable, unsendable } = splitSendable(lines)
  if (sendable.length === 0) return { accepted: 0, duplicates: 0, fallback: lines }
  const staged = await stageLines(run, randomUUID(), sendable)
  const batchId = staged.batchId
  try {
    await command(normalizeStagedGatewayLines(batchId, staged.lines), { tag: 'ingest:gateway-engine-rows' })
    const route = await routeOf(batchId)
    if (Number(route.staged) !== sendable.length) {
      throw new Error(`staged batch ${batchId} holds ${route.staged} of ${sendable.length} lines`)
    }
    const fresh = Number(route.fresh)
    const candidates = Number(route.candidates)
    if (fresh > 0) {
      // the common case, nothing stored yet and nothing repeated, needs no dedupe in the insert
      const insert = fresh === candidates ? insertRows(run.runId, batchId) : insertFreshRows(run.runId, batchId)
      await command(insert, { tag: 'ingest:gateway-engine-insert', settings: INSERT_SETTINGS })
    }
    const back = new Set([...unsendable, ...route.fallback.map((seq) => sendable[seq])])
    return { accepted: fresh, duplicates: candidates - fresh, fallback: lines.filter((l) => back.has(l)) }
  } finally {
    await staged.release()
    await deleteStagedBatch('ingest_staging_gateway', batchId)
  }
}

type Route = { staged: string | number; candidates: string | number; fresh: string | number; fallback: number[] }

/** Counts before inserting: how many fast rows are new (not stored, first in the batch), and which lines fall back. */
async function routeOf(batchId: string): Promise<Route> {
  const [route] = await query<Route>(
    sql`SELECT
          count() AS staged,
          countIf(fast) AS candidates,
          uniqExactIf(event_id, fast AND event_id GLOBAL NOT IN (${storedEventIds(batchId)})) AS fresh,
          arraySort(groupArrayIf(seq, NOT fast)) AS fallback
        FROM ingest_staging_gateway
        WHERE batch_id = ${batchId}`,
    { tag: 'ingest:gateway-engine-route', settings: STORED_LOOKUP_SETTINGS },
  )
  return route
}

/** The first row of each new event id, in line order. */
function insertFreshRows(runId: string, batchId: string) {
  return sql`${insertRows(runId, batchId)} AND event_id GLOBAL NOT IN (${storedEventIds(batchId)}) ORDER BY seq LIMIT 1 BY event_id`
}

/** Every fast row of the batch. */
function insertRows(runId: string, batchId: string) {
  return sql`
    INSERT INTO gateway_requests (event_id, source, time, gateway, method, outcome, is_action, server, tool, prompt,
      resource_uri, request_id, session_id, protocol_version, client_name, client_version, src_addr, http_status,
      duration_ms, auth_scheme, credential_id, credential_type, jwt_iss, jwt_sub, jwt_client_id, jwt_aud, token_iat,
      token_exp, user_claim, api_key_name, raw, run_id)
    SELECT event_id, 'gateway', time, gateway, method, outcome, is_action, server, tool, prompt,
      resource_uri, request_id, session_id, protocol_version, client_name, client_version, src_addr, http_status,
      duration_ms, auth_scheme, credential_id, credential_type, jwt_iss, jwt_sub, jwt_client_id, jwt_aud, token_iat,
      token_exp, user_claim, api_key_name, raw, ${runId}
    FROM ingest_staging_gateway
    WHERE batch_id = ${batchId} AND fast`
}

/**
 * Checking the primary key against a set of 50k ids costs ~80 ms a batch; the time
 * range alone already keeps the read small.
 */
const STORED_LOOKUP_SETTINGS = { use_index_for_in_with_subqueries: 0 }

const INSERT_SETTINGS = {
  ...STORED_LOOKUP_SETTINGS,
  // the rows are unique by event id already: skip ReplacingMergeTree's merge of the new block (~40% of the insert)
  optimize_on_insert: 0,
  // a batch of old logs may span more than 100 months (partitions); the JS path splits such a batch instead
  throw_on_max_partitions_per_insert_block: 0,
}

/**
 * Event ids of the batch already in gateway_requests. Rows are sorted by time: bounding
 * by the batch's time range lets the primary key skip the rest (as store-records.ts does).
 */
function storedEventIds(batchId: string) {
  const batchRows = sql`FROM ingest_staging_gateway WHERE batch_id = ${batchId} AND fast`
  return sql`
    SELECT event_id FROM gateway_requests
    WHERE time BETWEEN (SELECT min(time) ${batchRows}) AND (SELECT max(time) ${batchRows})
      AND source = 'gateway'
      AND event_id IN (SELECT event_id ${batchRows})`
}
