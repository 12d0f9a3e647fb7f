import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

// the tags of the statements the engine is asked to run
const statements = vi.hoisted((): string[] => [])
vi.mock('@/lib/trace', () => ({
  traceStatement: (_store: string, tag: string) => void statements.push(tag),
  traceStep: () => {},
}))

process.env.CUSTODY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-okta-engine-batches-'))
delete process.env.CLICKHOUSE_URL

const { closeClickHouse, query, sql } = await import('@/lib/clickhouse')
const { migrateClickHouse } = await import('@/lib/clickhouse/migrate')
const { ingest } = await import('@/lib/ingest/pipeline')
const { oktaSource } = await import('@/lib/sources/okta')
const { releaseDataDirLock } = await import('@/lib/store/lock')

beforeAll(async () => {
  await migrateClickHouse()
})
afterAll(async () => {
  await closeClickHouse()
  releaseDataDirLock(process.env.CUSTODY_DATA_DIR!)
  fs.rmSync(process.env.CUSTODY_DATA_DIR!, { recursive: true, force: true })
})

const GRANT = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'okta', 'client-credentials-grant.json'), 'utf8'))

/** Token grants, one LogEvent a line, each its own event a second apart, until the text is `bytes` long. */
function grantLines(bytes: number): string {
  const start = Date.parse('2026-03-04T00:00:00.000Z')
  const lines: string[] = []
  for (let size = 0; size < bytes; ) {
    const i = lines.length
    lines.push(JSON.stringify({ ...GRANT, uuid: `batch-grant-${i}`, published: new Date(start + i * 1000).toISOString() }))
    size += lines[i].length + 1
  }
  return lines.join('\n')
}

describe('the Okta engine path', () => {
  it('reads a 20 MiB file in one batch, planned once (each batch costs ~0.3 s CPU to plan), and stores every event', { timeout: 300_000 }, async () => {
    const text = grantLines(20 << 20)
    statements.length = 0
    const summary = await ingest(oktaSource, [{ name: 'grants.ndjson', open: () => Readable.from([Buffer.from(text)]) }], { flushIntervalMs: 600_000 })
    expect(statements.filter((tag) => tag === 'ingest:okta-engine-rows')).toHaveLength(1)
    const lines = text.split('\n').length
    expect(summary).toMatchObject({ read: lines, accepted: lines, rejected: 0 })
    const [stored] = await query<{ events: string }>(sql`SELECT uniqExact(event_id) AS events FROM idp_events WHERE run_id = ${summary.run_id}`, { tag: 'test' })
    expect(Number(stored.events)).toBe(lines)
  })
})
