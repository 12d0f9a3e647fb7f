import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { IdpFactRow } from '@/lib/sources/types'
import { mutatedRecord, seeds } from '../sources/fuzz/records'
import { storeProperty } from '../store-property'

// every line handed to staging, i.e. seen by the engine
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

// the tags of the statements the engine is asked to run
const statements = vi.hoisted((): string[] => [])
vi.mock('@/lib/trace', () => ({
  traceStatement: (_store: string, tag: string) => void statements.push(tag),
  traceStep: () => {},
}))

process.env.CUSTODY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-okta-fast-path-'))
delete process.env.CLICKHOUSE_URL

const { closeClickHouse, command, query, sql } = await import('@/lib/clickhouse')
const { migrateClickHouse } = await import('@/lib/clickhouse/migrate')
const { storeOktaLinesInEngine } = await import('@/lib/ingest/engine/okta-fast-path')
const { oktaSource } = await import('@/lib/sources/okta')
const { releaseDataDirLock } = await import('@/lib/store/lock')
const { ingest } = await import('@/lib/ingest/pipeline')
const { writeDemoLogs } = await import('@/lib/demo')

beforeAll(async () => {
  await migrateClickHouse()
})
afterAll(async () => {
  await closeClickHouse()
  releaseDataDirLock(process.env.CUSTODY_DATA_DIR!)
  fs.rmSync(process.env.CUSTODY_DATA_DIR!, { recursive: true, force: true })
})

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'okta')

/** Every Okta fixture record as one NDJSON line (a page's or delivery's events too: those are the JS parser's). */
function fixtureTexts(): string[] {
  return fs
    .readdirSync(FIXTURES)
    .flatMap((name) => {
      const file = path.join(FIXTURES, name)
      if (fs.statSync(file).isDirectory()) return fs.readdirSync(file).map((f) => path.join(file, f))
      return [file]
    })
    .flatMap((file) => fs.readFileSync(file, 'utf8').split(file.endsWith('.ndjson') ? '\n' : /(?!)/))
    .filter((text) => text.trim() !== '')
    .map((text) => JSON.stringify(JSON.parse(text)))
}

/** The fact rows the JS parser builds for a line, as the JS path stores them, or null when it rejects the line. */
function jsFacts(text: string): IdpFactRow[] | null {
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch {
    return null
  }
  const parsed = oktaSource.parse(record, text)
  return parsed.ok ? (JSON.parse(JSON.stringify(parsed.facts)) as IdpFactRow[]) : null
}

async function storedFacts(runId: string): Promise<Map<string, IdpFactRow[]>> {
  const rows = await query<IdpFactRow>(
    sql`SELECT * EXCEPT (run_id, ingested_at) FROM idp_events WHERE run_id = ${runId} ORDER BY event_id, fact_index`,
    { tag: 'test' },
  )
  const byEvent = new Map<string, IdpFactRow[]>()
  for (const row of rows) byEvent.set(row.event_id, [...(byEvent.get(row.event_id) ?? []), row])
  return byEvent
}

/**
 * Stores the lines through the engine on an empty table and checks the contract: each line
 * either falls back to the JS parser, or the JS parser accepts it and the stored rows are,
 * column by column, the fact rows it builds. Returns how many the engine kept.
 */
async function expectSameAsJsParser(texts: string[]): Promise<number> {
  await command(sql`TRUNCATE TABLE idp_events`, { tag: 'test' })
  const runId = randomUUID()
  const lines = texts.map((text, i) => ({ line: i + 1, text }))
  const outcome = await storeOktaLinesInEngine({ runId, file: 'okta.ndjson' }, lines)
  const fallback = new Set(outcome.fallback.map((l) => l.line))
  expect(outcome.fallback).toEqual(lines.filter((l) => fallback.has(l.line)))
  const stored = await storedFacts(runId)
  const firstFacts = new Map<string, IdpFactRow[]>()
  let fast = 0
  for (const l of lines.filter((l) => !fallback.has(l.line))) {
    fast++
    const expected = jsFacts(l.text)
    if (!expected) throw new Error(`the engine kept a line the JS parser rejects: ${l.text}`)
    if (firstFacts.has(expected[0].event_id)) continue
    firstFacts.set(expected[0].event_id, expected)
    expect(stored.get(expected[0].event_id), l.text).toEqual(expected)
  }
  expect(stored.size).toBe(firstFacts.size)
  expect(outcome).toMatchObject({ accepted: firstFacts.size, duplicates: fast - firstFacts.size })
  return fast
}

describe('Okta System Log lines stored by the engine', () => {
  it('stores every fixture LogEvent exactly as the JS parser reads it, and leaves the rest to it', async () => {
    const texts = fixtureTexts()
    const kept = await expectSameAsJsParser(texts)
    // every plain LogEvent (no secret, no envelope, valid) is the engine's
    const plain = texts.filter((t) => jsFacts(t) !== null && !/event_hook|aws\.partner|secret|eyJ/i.test(t))
    expect(kept).toBeGreaterThanOrEqual(plain.length - 1)
    expect(kept).toBeGreaterThan(8)
  })

  it('never keeps a record the JS parser rejects, and stores the same facts for every record it keeps', async () => {
    const records = seeds('okta')
    const texts = fc.sample(mutatedRecord(records), { numRuns: 3000, seed: 20261206 }).map((r) => JSON.stringify(r))
    const kept = await expectSameAsJsParser([...records.map((r) => JSON.stringify(r)), ...texts])
    expect(kept).toBeGreaterThan(texts.filter((t) => jsFacts(t) !== null).length / 4)
  })

  it('holds for any batch of mutated records', async ({ task }) => {
    const records = seeds('okta')
    await fc.assert(
      fc.asyncProperty(fc.array(mutatedRecord(records), { minLength: 1, maxLength: 20 }), async (batch) => {
        await expectSameAsJsParser(batch.map((r) => JSON.stringify(r)))
      }),
      storeProperty(15, task),
    )
  }, 300_000)

  it('counts a record repeated in a batch or already stored once', async () => {
    await command(sql`TRUNCATE TABLE idp_events`, { tag: 'test' })
    const texts = fixtureTexts().filter((t) => jsFacts(t) !== null && !/event_hook|aws\.partner/.test(t)).slice(0, 3)
    const lines = [...texts, texts[0]].map((text, i) => ({ line: i + 1, text }))
    const first = await storeOktaLinesInEngine({ runId: randomUUID(), file: 'a.ndjson' }, lines)
    const again = await storeOktaLinesInEngine({ runId: randomUUID(), file: 'a.ndjson' }, lines)
    expect(first.accepted + first.duplicates + first.fallback.length).toBe(4)
    expect(first.duplicates).toBeGreaterThanOrEqual(1)
    expect(again.accepted).toBe(0)
    const scratch = path.join(process.env.CUSTODY_DATA_DIR!, 'tmp')
    expect(fs.existsSync(scratch) ? fs.readdirSync(scratch) : []).toEqual([])
  })

  it('counts a line delivered again exactly as stored a duplicate, and still reads a changed line with a stored event id', async () => {
    await command(sql`TRUNCATE TABLE idp_events`, { tag: 'test' })
    const plain = fixtureTexts().filter((t) => jsFacts(t) !== null && !/event_hook|aws\.partner|secret|eyJ/i.test(t)).slice(0, 4)
    const lines = plain.map((text, i) => ({ line: i + 1, text }))
    const first = await storeOktaLinesInEngine({ runId: randomUUID(), file: 'day.ndjson' }, lines)
    expect(first).toMatchObject({ accepted: 4, duplicates: 0, fallback: [] })
    const stored = await query(sql`SELECT * EXCEPT (run_id, ingested_at) FROM idp_events ORDER BY event_id, fact_index`, { tag: 'test' })

    // the same day again, with a changed copy of one event (its type no longer a string) and a new event
    const changed = JSON.stringify({ ...JSON.parse(plain[0]), eventType: 7 })
    const fresh = JSON.stringify({ ...JSON.parse(plain[1]), uuid: 'redelivery-new-event' })
    const again = [...lines, { line: 5, text: changed }, { line: 6, text: fresh }]
    const outcome = await storeOktaLinesInEngine({ runId: randomUUID(), file: 'day.ndjson' }, again)
    expect(outcome, 'four exact copies are duplicates; the changed copy is the JS parser\'s; the new event is stored').toMatchObject({
      accepted: 1, duplicates: 4, fallback: [{ line: 5, text: changed }],
    })
    const now = await query(sql`SELECT * EXCEPT (run_id, ingested_at) FROM idp_events WHERE event_id != 'redelivery-new-event' ORDER BY event_id, fact_index`, { tag: 'test' })
    expect(now, 'nothing stored again').toEqual(stored)
    const [staged] = await query<{ n: string }>(sql`SELECT count() AS n FROM ingest_staging_okta`, { tag: 'test' })
    expect(Number(staged.n)).toBe(0)
  })

  it('stores the facts of the first of two different lines sharing an event id, and leaves nothing staged behind', async () => {
    const plain = fixtureTexts().filter((t) => jsFacts(t) !== null && !/event_hook|aws\.partner|secret|eyJ/i.test(t))
    const fewer = plain.find((t) => jsFacts(t)!.length === 1)!
    const more = plain.find((t) => jsFacts(t)!.length > 1)!
    const sameId = JSON.stringify({ ...JSON.parse(more), uuid: JSON.parse(fewer).uuid })
    for (const pair of [[fewer, sameId], [sameId, fewer]]) expect(await expectSameAsJsParser(pair)).toBe(2)
    const [staged] = await query<{ n: string }>(sql`SELECT count() AS n FROM ingest_staging_okta`, { tag: 'test' })
    expect(Number(staged.n)).toBe(0)
  })
})

describe('Okta System Log files ingested with and without the engine', () => {
  /** Ingests the file on an empty table and returns the summary and every stored column but the run's. */
  async function ingestOnce(file: string, engine: boolean) {
    await command(sql`TRUNCATE TABLE idp_events`, { tag: 'test' })
    // small engine batches: records repeated across batches, and JS records stored between them
    const summary = await ingest(oktaSource, [{ name: 'okta.ndjson', open: () => fs.createReadStream(file) }], { engine, engineBatchSize: 150 })
    const rows = await query<Record<string, unknown>>(
      sql`SELECT * EXCEPT (run_id, ingested_at) FROM idp_events ORDER BY event_id, fact_index`,
      { tag: 'test' },
    )
    return { summary: { ...summary, run_id: '' }, rows }
  }

  it('stores the same rows, column by column, and the same summary, for the fixtures and the demo company', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-okta-both-ways-'))
    const manifest = await writeDemoLogs(dir, { seed: 7, scale: 0.02 })
    const demo = fs.readFileSync(manifest.files.find((f) => f.source === 'okta')!.path, 'utf8').trimEnd().split('\n')
    const file = path.join(dir, 'okta.ndjson')
    // fixtures first (the odd and the bad), then the demo company's log, with a repeated record and a cut-off line
    fs.writeFileSync(file, [...fixtureTexts(), ...demo, demo[0], '{"uuid":"cut'].join('\n') + '\n')
    const js = await ingestOnce(file, false)
    staged.length = 0
    const engine = await ingestOnce(file, true)
    // the engine saw the demo's records (none may hold a secret), not just the JS parser
    expect(staged.length).toBeGreaterThanOrEqual(demo.length)
    expect(js.summary.rejected).toBeGreaterThan(0)
    expect(js.summary.duplicates).toBeGreaterThan(0)
    expect(js.rows.length).toBeGreaterThan(demo.length)
    expect(engine.summary).toEqual(js.summary)
    expect(engine.rows).toEqual(js.rows)
    fs.rmSync(dir, { recursive: true, force: true })
  }, 300_000)
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

describe('Okta engine batches', () => {
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
