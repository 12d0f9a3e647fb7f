// The engine's fast path alone, on a fresh data dir:
//   CUSTODY_DATA_DIR=<fresh dir> tsx test/bench/gateway-fast-path-bench.ts FILE [batch lines, default 50000]
// Reads FILE with the ingest reader, stores it in batches with storeGatewayLinesInEngine and
// runs the lines it falls back on through the JS parser, then prints a JSON summary.
import { closeClickHouse } from '@/lib/clickhouse'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { storeGatewayLinesInEngine } from '@/lib/ingest/engine/gateway-fast-path'
import { fileInput, readRecords, type RawRecord } from '@/lib/ingest/reader'
import { storeRecords } from '@/lib/ingest/store-records'
import { gatewaySource } from '@/lib/sources/gateway'

const [file, batchArg = '50000'] = process.argv.slice(2)
const batchSize = Number(batchArg)
await migrateClickHouse()
const started = process.hrtime.bigint()
const cpuStart = process.cpuUsage()
const totals = { lines: 0, accepted: 0, duplicates: 0, fallback: 0, rejected: 0 }
let batch: RawRecord[] = []

async function store(lines: RawRecord[]) {
  const outcome = await storeGatewayLinesInEngine({ runId: 'bench', file }, lines)
  totals.lines += lines.length
  totals.accepted += outcome.accepted
  totals.duplicates += outcome.duplicates
  totals.fallback += outcome.fallback.length
  const parsed = outcome.fallback.flatMap((l) => {
    const result = gatewaySource.parse(JSON.parse(l.text), l.text)
    if (!result.ok) totals.rejected++
    return result.ok ? [{ eventId: result.requests[0].event_id, file, line: l.line, time: result.requests[0].time, requests: result.requests, facts: [] }] : []
  })
  const stored = await storeRecords('gateway', parsed)
  totals.accepted += stored.accepted
  totals.duplicates += stored.duplicates
}

for await (const records of readRecords(fileInput(file).open())) {
  batch.push(...records.records)
  if (batch.length >= batchSize) {
    await store(batch)
    batch = []
  }
}
if (batch.length > 0) await store(batch)
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const cpu = process.cpuUsage(cpuStart)
process.stdout.write(
  JSON.stringify({ ...totals, batchSize, seconds, linesPerSecond: Math.round(totals.lines / seconds), cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n',
)
await closeClickHouse()
