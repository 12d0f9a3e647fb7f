import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { query, sql } from '@/lib/clickhouse'
import { ingest } from '@/lib/ingest/pipeline'
import { fileInput } from '@/lib/ingest/reader'
import { INGESTIBLE_SOURCES, sourceParser } from '@/lib/sources'
import { fuzzedRecord, seeds } from '../sources/fuzz/records'
import { emptyStore, useReportStore } from './setup'

useReportStore('fuzzed-files')

const LINES = 300
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-fuzzed-'))

/** A file of fuzzed records, one per line, with some lines that are not JSON at all. */
function fuzzedFile(source: (typeof INGESTIBLE_SOURCES)[number]): string {
  const parser = sourceParser(source)
  const documents = seeds(source)
  const records = documents.flatMap((d) => parser.expand?.(d) ?? [d])
  const values = fc.sample(fuzzedRecord(records, documents), { numRuns: LINES, seed: 1206 })
  const lines = values.map((value, i) => (i % 37 === 5 ? '{"unterminated": ' : JSON.stringify(value)))
  const file = path.join(work, `${source}.ndjson`)
  fs.writeFileSync(file, lines.join('\n') + '\n')
  return file
}

async function storedEvents(source: string): Promise<number> {
  const [row] = await query<{ n: string }>(
    sql`SELECT (SELECT uniqExact(event_id) FROM idp_events WHERE source = ${source})
             + (SELECT uniqExact(event_id) FROM gateway_requests WHERE source = ${source}) AS n`,
    { tag: 'test' },
  )
  return Number(row.n)
}

describe('fuzzed files through the ingest pipeline', () => {
  for (const source of INGESTIBLE_SOURCES) {
    it(`${source}: every record is stored, a duplicate, skipped, or rejected with its line and a reason`, { timeout: 120_000 }, async () => {
      await emptyStore()
      const summary = await ingest(sourceParser(source), [fileInput(fuzzedFile(source))], { keepRejects: 100_000 })
      expect(summary.read).toBeGreaterThanOrEqual(LINES)
      expect(summary.accepted + summary.duplicates + summary.rejected + summary.skipped).toBe(summary.read)
      expect(summary.rejects).toHaveLength(summary.rejected)
      for (const reject of summary.rejects) {
        expect(reject.line >= 1 && reject.line <= LINES, `line ${reject.line}`).toBe(true)
        expect(reject.error).toMatch(/\S/)
      }
      const [logged] = await query<{ n: string }>(sql`SELECT count() AS n FROM ingest_rejects WHERE run_id = ${summary.run_id}`, { tag: 'test' })
      expect(Number(logged.n)).toBe(summary.rejected)
      expect(await storedEvents(source)).toBe(summary.accepted)
      expect(summary.accepted).toBeGreaterThan(0)
    })
  }
})
