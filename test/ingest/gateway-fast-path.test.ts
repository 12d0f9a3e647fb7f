import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { GatewayRequestRow } from '@/lib/sources/types'
import { gatewayBenchLine, seededRandom } from '../bench/gateway-fast-path-lines'
import { gatewayLines, SECRETS } from '../fixtures/secrets/carriers'
import { fixtureLines } from '../sources/fixture-lines'
import { EDGE_VALUES, gatewayLineText } from './gateway-line-arbitrary'
import { storeProperty } from '../store-property'

// every line handed to staging (a file under the data dir, or a table on a server)
const staged = vi.hoisted((): string[] => [])
vi.mock('@/lib/ingest/engine/staging', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/ingest/engine/staging')>()
  return {
    ...actual,
    stageLines: (...args: Parameters<typeof actual.stageLines>) => {
      staged.push(...args[2].map((l) => l.text))
      return actual.stageLines(...args)
    },
  }
})

process.env.CUSTODY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-fast-path-'))
delete process.env.CLICKHOUSE_URL

const { closeClickHouse, command, query, sql } = await import('@/lib/clickhouse')
const { migrateClickHouse } = await import('@/lib/clickhouse/migrate')
const { storeGatewayLinesInEngine } = await import('@/lib/ingest/engine/gateway-fast-path')
const { gatewaySource } = await import('@/lib/sources/gateway')

beforeAll(async () => {
  await migrateClickHouse()
})
afterAll(async () => {
  await closeClickHouse()
})

/** The row the JS parser builds for a line, as the JS path stores it (JSON), or null when it rejects the line. */
function jsRow(text: string): GatewayRequestRow | null {
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch {
    return null
  }
  const parsed = gatewaySource.parse(record, text)
  return parsed.ok && !parsed.skipped ? (JSON.parse(JSON.stringify(parsed.requests[0])) as GatewayRequestRow) : null
}

async function storedRows(runId: string): Promise<Map<string, GatewayRequestRow>> {
  const rows = await query<GatewayRequestRow>(
    sql`SELECT * EXCEPT (run_id, ingested_at) FROM gateway_requests WHERE run_id = ${runId}`,
    { tag: 'test' },
  )
  return new Map(rows.map((r) => [r.event_id, r]))
}

/**
 * Stores the lines through the engine on an empty table and checks the contract: each
 * line either falls back to the JS parser, or the JS parser accepts it and the stored row
 * is, column by column, the row the JS parser builds. Returns how many the engine kept.
 */
async function expectSameAsJsParser(texts: string[]): Promise<number> {
  await command(sql`TRUNCATE TABLE gateway_requests`, { tag: 'test' })
  const runId = randomUUID()
  const lines = texts.map((text, i) => ({ line: i + 1, text }))
  const outcome = await storeGatewayLinesInEngine({ runId, file: 'lines.ndjson' }, lines)
  const fallback = new Set(outcome.fallback.map((l) => l.line))
  expect(outcome.fallback).toEqual(lines.filter((l) => fallback.has(l.line)))
  const stored = await storedRows(runId)
  const firstRows = new Map<string, GatewayRequestRow>()
  let fast = 0
  for (const l of lines.filter((l) => !fallback.has(l.line))) {
    fast++
    const expected = jsRow(l.text)
    if (!expected) throw new Error(`the engine kept a line the JS parser rejects: ${l.text}`)
    if (firstRows.has(expected.event_id)) continue
    firstRows.set(expected.event_id, expected)
    expect(stored.get(expected.event_id), l.text).toEqual(expected)
  }
  expect(stored.size).toBe(firstRows.size)
  expect(outcome).toMatchObject({ accepted: firstRows.size, duplicates: fast - firstRows.size })
  return fast
}

describe('gateway lines stored by the engine', () => {
  it('stores every plain line of the fixtures exactly as the JS parser reads it, and leaves the rest to it', async () => {
    const requests = fixtureLines('gateway/requests.ndjson').map((l) => l.raw)
    const mixed = fixtureLines('gateway/mixed.ndjson').map((l) => l.raw)
    expect(await expectSameAsJsParser([...requests, ...mixed])).toBe(11)
    const outcome = await storeGatewayLinesInEngine({ runId: randomUUID(), file: 'requests.ndjson' }, requests.map((text, i) => ({ line: i + 1, text })))
    // the agentgateway record (unknown keys, bare jti), the three raw tokens, the legacy record
    expect(outcome.fallback.map((l) => l.line)).toEqual([2, 9, 10, 11, 14])
  })

  it('never keeps a line the JS parser rejects, and stores the same row for every line it keeps', async () => {
    const texts = fc.sample(gatewayLineText, { numRuns: 4000, seed: 20261128 })
    const kept = await expectSameAsJsParser(texts)
    // the check is worth something only if the engine keeps a good share of the lines the JS parser takes
    expect(kept).toBeGreaterThan(texts.filter((t) => jsRow(t) !== null).length / 4)
  })

  it('reads the edge values of every key exactly as the JS parser does', async () => {
    const base: Record<string, string> = { time: '"2026-10-05T09:00:00.000Z"', 'mcp.method.name': '"tools/call"' }
    const texts = Object.entries(EDGE_VALUES).flatMap(([key, values]) =>
      values.map((value, i) => {
        const fields = { ...base, event_id: `"edge-${key}-${i}"`, [key]: value }
        return `{${Object.entries(fields).map(([k, v]) => `"${k}":${v}`).join(',')}}`
      }),
    )
    expect(await expectSameAsJsParser(texts)).toBeGreaterThan(texts.length / 2)
  })

  it("keeps every line a gateway writes in the spec's shape", async () => {
    const next = seededRandom(7)
    const texts = Array.from({ length: 1000 }, (_, i) => gatewayBenchLine(i, next))
    expect(await expectSameAsJsParser(texts)).toBe(texts.length)
  })

  it('holds for any batch of generated lines', async ({ task }) => {
    await fc.assert(
      fc.asyncProperty(fc.array(gatewayLineText, { minLength: 1, maxLength: 30 }), async (texts) => {
        await expectSameAsJsParser(texts)
      }),
      storeProperty(60, task),
    )
  })

  it('passes tabs, backslashes and escapes through unchanged', async () => {
    const texts = [
      '{"time":"2026-10-05T09:00:00.000Z",\t"mcp.method.name":"tools/call","user":"a\\\\b\\"c\\td\\u00e9"}',
      '{"time":"2026-10-05T09:00:01.000Z","mcp.method.name":"tools/call","gen_ai.tool.name":"\\/x\\r\\n"}',
    ]
    expect(await expectSameAsJsParser(texts)).toBe(2)
  })
})

describe('gateway lines stored by the engine: secrets (metrics.md, Secrets)', () => {
  it('never stages a line that might hold a secret: the JS parser scrubs it', async () => {
    staged.length = 0
    const carriers = gatewayLines()
    const clean = `{"time":"2026-10-06T11:00:00.000Z","mcp.method.name":"tools/call","auth.scheme":"bearer","user":"dana.lee@example.com"}`
    const lines = [clean, ...carriers].map((text, i) => ({ line: i + 1, text }))
    const outcome = await storeGatewayLinesInEngine({ runId: randomUUID(), file: 'secrets.ndjson' }, lines)
    expect(staged).toEqual([clean])
    expect(outcome.fallback.map((l) => l.text)).toEqual(carriers)
    const leaked = Object.entries(SECRETS).filter(([, secret]) => staged.some((text) => text.includes(secret)))
    expect(leaked).toEqual([])
  })
})

describe('gateway lines stored by the engine: duplicates', () => {
  const line = (i: number, extra = '') =>
    `{"time":"2026-10-06T10:00:${String(i).padStart(2, '0')}.000Z","mcp.method.name":"tools/call"${extra}}`

  it('adds nothing when the same batch comes again', async () => {
    const lines = [line(1), line(2, ',"event_id":"ev-2"'), line(3, ',"event_id":42')].map((text, i) => ({ line: i + 1, text }))
    const first = await storeGatewayLinesInEngine({ runId: randomUUID(), file: 'a.ndjson' }, lines)
    const again = await storeGatewayLinesInEngine({ runId: randomUUID(), file: 'a.ndjson' }, lines)
    expect(first).toEqual({ accepted: 3, duplicates: 0, fallback: [] })
    expect(again).toEqual({ accepted: 0, duplicates: 3, fallback: [] })
  })

  it('leaves nothing staged behind', async () => {
    await storeGatewayLinesInEngine({ runId: randomUUID(), file: 'c.ndjson' }, [{ line: 1, text: line(21) }, { line: 2, text: '{"time":1}' }])
    const [staged] = await query<{ n: string }>(sql`SELECT count() AS n FROM ingest_staging_gateway`, { tag: 'test' })
    expect(Number(staged.n)).toBe(0)
    const scratch = path.join(process.env.CUSTODY_DATA_DIR!, 'tmp')
    expect(fs.existsSync(scratch) ? fs.readdirSync(scratch) : []).toEqual([])
  })

  it('counts a line repeated in a batch, or sharing an event id, once', async () => {
    const runId = randomUUID()
    const texts = [line(11), line(11), line(12, ',"event_id":"ev-12"'), line(13, ',"event_id":"ev-12"'), line(14)]
    const outcome = await storeGatewayLinesInEngine({ runId, file: 'b.ndjson' }, texts.map((text, i) => ({ line: i + 1, text })))
    expect(outcome).toEqual({ accepted: 3, duplicates: 2, fallback: [] })
    // the first line with an event id is the one stored
    expect((await storedRows(runId)).get('ev-12')?.raw).toBe(texts[2])
  })
})
