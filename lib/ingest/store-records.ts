import { insert, query, sql } from '@/lib/clickhouse'
import type { GatewayRequestRow, IdpFactRow, SourceName } from '@/lib/sources/types'

/** A valid record, ready to store: its rows share one event id. */
export type ParsedRecord = {
  eventId: string
  file: string
  line: number
  time: string
  requests: GatewayRequestRow[]
  facts: IdpFactRow[]
}

export type StoreOutcome = { accepted: number; duplicates: number; failed: Array<{ record: ParsedRecord; error: string }> }

/**
 * Stores a batch once: records whose event id is already stored (by this run or an
 * earlier one) or repeated inside the batch are counted as duplicates, not written.
 */
export async function storeRecords(source: SourceName, batch: ParsedRecord[]): Promise<StoreOutcome> {
  const unique = new Map<string, ParsedRecord>()
  for (const record of batch) if (!unique.has(record.eventId)) unique.set(record.eventId, record)
  const stored = await storedEventIds(source, [...unique.values()])
  const fresh = [...unique.values()].filter((r) => !stored.has(r.eventId))
  const failed = await insertSplitting(fresh)
  return { accepted: fresh.length - failed.length, duplicates: batch.length - fresh.length, failed }
}

/** A source may write both tables (OCSF: IAM events and API activity): each record is looked up in its own. */
async function storedEventIds(source: SourceName, records: ParsedRecord[]): Promise<Set<string>> {
  const requests = records.filter((r) => r.requests.length > 0)
  const facts = records.filter((r) => r.requests.length === 0)
  return new Set([...(await storedIn(source, requests, true)), ...(await storedIn(source, facts, false))])
}

async function storedIn(source: SourceName, records: ParsedRecord[], isGateway: boolean): Promise<Set<string>> {
  if (records.length === 0) return new Set()
  const ids = records.map((r) => r.eventId)
  // gateway rows are sorted by time: bounding by the batch's time range lets the
  // primary key skip everything else; the bloom filter on event_id does the rest.
  const rows = isGateway
    ? await query<{ event_id: string }>(
        sql`SELECT DISTINCT event_id FROM gateway_requests
            WHERE time BETWEEN ${new Date(minTime(records))} AND ${new Date(maxTime(records))}
              AND source = ${source} AND event_id IN ${ids}`,
        { tag: 'ingest:dedupe' },
      )
    : await query<{ event_id: string }>(
        sql`SELECT DISTINCT event_id FROM idp_events WHERE source = ${source} AND event_id IN ${ids}`,
        { tag: 'ingest:dedupe' },
      )
  return new Set(rows.map((r) => r.event_id))
}

function minTime(records: ParsedRecord[]): string {
  return records.reduce((m, r) => (r.time < m ? r.time : m), records[0].time)
}

function maxTime(records: ParsedRecord[]): string {
  return records.reduce((m, r) => (r.time > m ? r.time : m), records[0].time)
}

/** Inserts; when the engine refuses a batch, halves it until the poison record is alone. */
async function insertSplitting(records: ParsedRecord[]): Promise<StoreOutcome['failed']> {
  if (records.length === 0) return []
  try {
    await insertRows(records)
    return []
  } catch (err) {
    if (records.length === 1) return [{ record: records[0], error: `rejected by the store: ${firstLine(err)}` }]
    const half = Math.ceil(records.length / 2)
    return [...(await insertSplitting(records.slice(0, half))), ...(await insertSplitting(records.slice(half)))]
  }
}

async function insertRows(records: ParsedRecord[]): Promise<void> {
  const requests = records.flatMap((r) => r.requests)
  const facts = records.flatMap((r) => r.facts)
  // a batch of old logs (a key inventory, a backfill) may span more than 100 monthly partitions
  const settings = { throw_on_max_partitions_per_insert_block: 0 }
  await insert('gateway_requests', requests, { tag: 'ingest:gateway_requests', settings })
  await insert('idp_events', facts, { tag: 'ingest:idp_events', settings })
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0].slice(0, 300)
}
