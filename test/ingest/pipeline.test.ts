import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IngestInput } from '@/lib/ingest/reader'
import type { SourceParser } from '@/lib/sources/types'

process.env.CUSTODY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-pipeline-'))
delete process.env.CLICKHOUSE_URL

const { closeClickHouse, query, sql, unsafeRawSql } = await import('@/lib/clickhouse')
const { migrateClickHouse } = await import('@/lib/clickhouse/migrate')
const { ingest } = await import('@/lib/ingest/pipeline')
const { gatewaySource } = await import('@/lib/sources/gateway')

const line = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ time: `2026-10-05T09:00:${String(i % 60).padStart(2, '0')}.000Z`, 'mcp.method.name': 'tools/call', event_id: `ev-${i}`, ...extra })

const input = (name: string, text: string | Buffer): IngestInput => ({ name, open: () => Readable.from([Buffer.from(text)]) })

async function count(table: string, where = sql`1`): Promise<number> {
  const [row] = await query<{ n: string }>(sql`SELECT count() AS n FROM ${unsafeRawSql(table)} WHERE ${where}`, { tag: 'test' })
  return Number(row.n)
}

beforeAll(async () => {
  await migrateClickHouse()
})
afterAll(async () => {
  await closeClickHouse()
})

describe('ingest', () => {
  it('stores good lines once, counts duplicates, and lists every bad line with its number and reason', async () => {
    const text = [line(1), line(2), 'not json', line(1), JSON.stringify({ 'mcp.method.name': 'ping' }), line(3)].join('\n')
    const summary = await ingest(gatewaySource, [input('mixed.ndjson', text)], { batchSize: 2 })
    expect(summary).toMatchObject({ source: 'gateway', read: 6, accepted: 3, duplicates: 1, rejected: 2 })
    expect(summary.rejects).toEqual([
      { file: 'mixed.ndjson', line: 3, error: expect.stringMatching(/^invalid JSON/) },
      { file: 'mixed.ndjson', line: 5, error: 'time: required' },
    ])
    expect(await count('gateway_requests', sql`event_id IN ('ev-1', 'ev-2', 'ev-3')`)).toBe(3)
    const rejects = await query<{ line: number; reason: string }>(
      sql`SELECT line, reason FROM ingest_rejects WHERE run_id = ${summary.run_id} ORDER BY line`,
      { tag: 'test' },
    )
    expect(rejects.map((r) => [Number(r.line), r.reason.split(':')[0]])).toEqual([[3, 'invalid JSON'], [5, 'time']])
  })

  it('attributes what a short run stored once, at its end, however many batches it stored', async () => {
    const maintained = () => count('attribution_state')
    const before = await maintained()
    const files = [[120, 121, 122], [123, 124, 125]].map((ids, n) => input(`batch-${n}.ndjson`, ids.map((i) => line(i)).join('\n')))
    const summary = await ingest(gatewaySource, files)
    expect(summary).toMatchObject({ read: 6, accepted: 6 })
    expect(await maintained()).toBe(before + 1)
    expect(await count('attributed_actions', sql`event_id IN ('ev-120', 'ev-125')`)).toBe(2)
  })

  it('adds nothing when the same file is ingested again, and the ledger balances', async () => {
    const text = [line(10), line(11), line(12)].join('\n')
    await ingest(gatewaySource, [input('again.ndjson', text)])
    const second = await ingest(gatewaySource, [input('again.ndjson', text)])
    expect(second).toMatchObject({ read: 3, accepted: 0, duplicates: 3, rejected: 0 })
    expect(await count('gateway_requests', sql`event_id IN ('ev-10', 'ev-11', 'ev-12')`)).toBe(3)
    const [ledger] = await query<{ received: string; accepted: string; duplicates: string; rejected: string }>(
      sql`SELECT received, accepted, duplicates, rejected FROM ingest_runs WHERE run_id = ${second.run_id}`,
      { tag: 'test' },
    )
    expect(Number(ledger.received)).toBe(Number(ledger.accepted) + Number(ledger.duplicates) + Number(ledger.rejected))
  })

  it('reads a JSON array and a gzip file, numbering array records by index', async () => {
    const array = `[${line(20)},\n{"oops": true, "mcp.target": "billing"},\n${line(21)}]`
    const a = await ingest(gatewaySource, [input('page.json', array)])
    expect(a).toMatchObject({ read: 3, accepted: 2, rejected: 1 })
    expect(a.rejects[0]).toMatchObject({ line: 2, error: 'time: required' })
    const gz = await ingest(gatewaySource, [input('lines.ndjson.gz', gzipSync([line(22), line(23)].join('\n')))])
    expect(gz).toMatchObject({ read: 2, accepted: 2 })
  })

  it('expands a vendor page envelope into its records', async () => {
    const page = JSON.stringify({ '@odata.nextLink': 'https://example.com/next', value: [JSON.parse(line(30)), JSON.parse(line(31))] }, null, 2)
    expect(await ingest(gatewaySource, [input('page.json', page)])).toMatchObject({ read: 2, accepted: 2 })
  })

  it('never stores a raw secret, from a good line or a bad one', async () => {
    const secret = 'agw_live_DoNotStoreMe123'
    const text = [line(40, { token: secret }), JSON.stringify({ 'mcp.method.name': 'x', token: secret })].join('\n')
    const summary = await ingest(gatewaySource, [input('secret.ndjson', text)])
    expect(summary).toMatchObject({ accepted: 1, rejected: 1 })
    for (const table of ['gateway_requests', 'ingest_rejects']) {
      expect(await count(table, sql`position(raw, ${secret}) > 0`)).toBe(0)
    }
  })

  it('isolates a record the engine refuses without losing its neighbours', async () => {
    const poisonous: SourceParser = {
      ...gatewaySource,
      parse(record, raw) {
        const parsed = gatewaySource.parse(record, raw)
        if (parsed.ok && (record as { poison?: boolean }).poison) parsed.requests[0].outcome = 'bogus' as never
        return parsed
      },
    }
    const text = [line(50), line(51, { poison: true }), line(52), line(53)].join('\n')
    const summary = await ingest(poisonous, [input('poison.ndjson', text)])
    expect(summary).toMatchObject({ read: 4, accepted: 3, rejected: 1 })
    expect(summary.rejects[0]).toMatchObject({ line: 2, error: expect.stringMatching(/^rejected by the store/) })
    expect(await count('gateway_requests', sql`event_id IN ('ev-50', 'ev-52', 'ev-53')`)).toBe(3)
  })

  it('stores every record of a page larger than the record limit, and rejects only the one over it', async () => {
    const records = Array.from({ length: 40 }, (_, i) => JSON.parse(line(70 + i)))
    records[7]['gen_ai.tool.name'] = 't'.repeat(3000)
    const page = JSON.stringify({ '@odata.context': 'x', value: records })
    for (const [name, text] of [['page.json', JSON.stringify(JSON.parse(page), null, 2)], ['page-one-line.json', page]]) {
      const summary = await ingest(gatewaySource, [input(name, text)], { maxRecordBytes: 2048 })
      expect(summary).toMatchObject({ read: 40, accepted: name === 'page.json' ? 39 : 0, rejected: 1 })
      expect(summary.rejects).toEqual([{ file: name, line: name === 'page.json' ? 8 : 1, error: expect.stringMatching(/^record larger than 2048 bytes/) }])
    }
    expect(await count('gateway_requests', sql`startsWith(event_id, 'ev-') AND toInt32OrZero(substring(event_id, 4)) BETWEEN 70 AND 109`)).toBe(39)
  })

  it('reports a document cut off mid-record and keeps the records before it', async () => {
    const summary = await ingest(gatewaySource, [input('cut.json', `[${line(60)}, {"time": "2026`)])
    expect(summary).toMatchObject({ read: 2, accepted: 1, rejected: 1 })
    expect(summary.rejects[0]).toMatchObject({ line: 2, error: 'input cut short: the document ends inside a JSON value' })
  })
})
