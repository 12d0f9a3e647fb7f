import { randomUUID } from 'node:crypto'
import { command, query, sql, type SqlFragment } from '@/lib/clickhouse'
import { oktaFactRows, oktaLineVerdicts } from './okta-event-sql'
import { splitSendable } from './sendable'
import { stageLines, type EngineOutcome, type StagedLine } from './staging'

/**
 * Stores a batch of Okta System Log lines (`--source okta`) with the engine doing the
 * parsing, as the gateway fast path does: staged as text, the LogEvents the engine vouches
 * for become the idp_events rows lib/sources/okta.ts builds, stored once per event id;
 * every other line comes back in `fallback` for the JS parser (its facts, or its reject).
 */
export async function storeOktaLinesInEngine(run: { runId: string; file: string }, lines: StagedLine[]): Promise<EngineOutcome> {
  const { sendable, unsendable } = splitSendable(lines)
  if (sendable.length === 0) return { accepted: 0, duplicates: 0, fallback: lines }
  const staged = await stageLines(run, randomUUID(), sendable)
  try {
    const route = await routeOf(staged.lines)
    if (Number(route.staged) !== sendable.length) {
      throw new Error(`staged batch ${staged.batchId} holds ${route.staged} of ${sendable.length} lines`)
    }
    const fresh = Number(route.fresh)
    if (fresh > 0) await command(insertFresh(staged.lines, run.runId), { tag: 'ingest:okta-engine-insert', settings: INSERT_SETTINGS })
    const back = new Set([...unsendable, ...route.fallback.map((seq) => sendable[seq])])
    return { accepted: fresh, duplicates: Number(route.candidates) - fresh, fallback: lines.filter((l) => back.has(l)) }
  } finally {
    await staged.release()
  }
}

type Route = { staged: string | number; candidates: string | number; fresh: string | number; fallback: number[] }

/** Counts before inserting: how many fast lines are new (not stored, first in the batch), and which lines fall back. */
async function routeOf(lines: SqlFragment): Promise<Route> {
  const [route] = await query<Route>(
    sql`SELECT
          count() AS staged,
          countIf(fast) AS candidates,
          uniqExactIf(event_id, fast AND event_id GLOBAL NOT IN (${storedEventIds(lines)})) AS fresh,
          arraySort(groupArrayIf(seq, NOT fast)) AS fallback
        FROM (${oktaLineVerdicts(lines)})`,
    { tag: 'ingest:okta-engine-route', settings: ENGINE_SETTINGS },
  )
  return route
}

/** The facts of the first line of each new event id. */
function insertFresh(lines: SqlFragment, runId: string): SqlFragment {
  return sql`
    INSERT INTO idp_events (event_id, fact_index, source, time, kind, vendor_event_type, subject_kind, subject_id, email, login,
      display_name, owner, client_id, credential_id, credential_type, issued_at, expires_at, raw, run_id)
    SELECT event_id, fact_index, source, time, kind, vendor_event_type, subject_kind, subject_id, email, login,
      display_name, owner, client_id, credential_id, credential_type, issued_at, expires_at, raw, run_id
    FROM (${oktaFactRows(lines, runId, sql`event_id GLOBAL NOT IN (${storedEventIds(lines)})`)})`
}

/** Event ids of the batch already stored: any `uuid` of its lines (a superset of its fast ones is enough). */
function storedEventIds(lines: SqlFragment): SqlFragment {
  return sql`
    SELECT event_id FROM idp_events
    WHERE source = 'okta' AND event_id IN (SELECT JSONExtractString(raw, 'uuid') FROM ${lines})`
}

const ENGINE_SETTINGS = {
  // every branch is cheap and none throws: lazy branches would copy the wide columns once per branch
  short_circuit_function_evaluation: 'disable',
  use_index_for_in_with_subqueries: 0,
  // it compares every pair of comparisons in an AND chain: planning the verdict took 5x as long with it
  optimize_and_compare_chain: 0,
  // blocks of a few thousand records keep the arrays of each record's objects and facts small (peak RSS)
  max_block_size: 4096,
}

const INSERT_SETTINGS = {
  ...ENGINE_SETTINGS,
  // the rows are unique by event id already: skip ReplacingMergeTree's merge of the new block
  optimize_on_insert: 0,
  // a System Log backfill may span more than 100 months (partitions)
  throw_on_max_partitions_per_insert_block: 0,
}
