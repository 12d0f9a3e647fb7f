import { sql } from '@/lib/clickhouse'
import { storeLinesInEngine, type EngineSource } from './engine-store'
import { normalizeStagedGatewayLines } from './gateway-line-sql'
import type { EngineOutcome, StagedLine } from './staging'

/**
 * Gateway log lines (`--source gateway`) parsed by the engine (storeLinesInEngine):
 * ClickHouse builds the rows of the plainly valid ones exactly as lib/sources/gateway.ts would.
 */
export const GATEWAY_ENGINE: EngineSource = {
  source: 'gateway',
  rowsTable: 'ingest_staging_gateway',
  buildRows: normalizeStagedGatewayLines,
  storedEventIds,
  insertAll: insertRows,
  insertFresh: insertFreshRows,
}

export function storeGatewayLinesInEngine(run: { runId: string; file: string }, lines: StagedLine[]): Promise<EngineOutcome> {
  return storeLinesInEngine(GATEWAY_ENGINE, run, lines)
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
