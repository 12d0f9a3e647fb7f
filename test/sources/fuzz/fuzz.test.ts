import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { INGESTIBLE_SOURCES, sourceParser } from '@/lib/sources'
import type { ParseResult, SourceParser } from '@/lib/sources/types'
import { fuzzedRecord, seeds } from './records'

const RUNS = 10_000
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
/** `<field or part>: <reason>`, one line (the gateway and key parsers say a non-object is no record). */
const REASON = /^[^\n:]+: [^\n]+$|^(line|record) is not a JSON object$/
const STORABLE = { earliest: Date.UTC(1900, 0, 1), latest: Date.UTC(2300, 0, 1) }

type Verdict = 'stored' | 'rejected' | 'skipped'

/** What the pipeline does with one value: expand it, then parse each record; check every answer. */
function verdicts(parser: SourceParser, value: unknown): Verdict[] {
  const records = parser.expand?.(value) ?? [value]
  return records.map((record) => verdict(parser, record, parser.parse(record, JSON.stringify(record) ?? 'null')))
}

function verdict(parser: SourceParser, record: unknown, result: ParseResult): Verdict {
  if (!result.ok) {
    expect(result.error).toMatch(REASON)
    return 'rejected'
  }
  const rows = [...result.requests, ...result.facts]
  if (result.skipped) {
    expect(rows).toEqual([])
    return 'skipped'
  }
  expect(rows.length, JSON.stringify(record)?.slice(0, 300)).toBeGreaterThan(0)
  const eventId = rows[0].event_id
  for (const row of rows) {
    expect(row.source).toBe(parser.name)
    expect(row.event_id).toBe(eventId)
    expect(typeof eventId === 'string' && eventId.length > 0).toBe(true)
    storable(row.time)
    if ('issued_at' in row) [row.issued_at, row.expires_at].forEach((t) => t === null || storable(t))
    if ('token_iat' in row) [row.token_iat, row.token_exp].forEach((t) => t === null || storable(t))
  }
  return 'stored'
}

function storable(time: string): void {
  expect(time).toMatch(ISO)
  const ms = Date.parse(time)
  expect(ms >= STORABLE.earliest && ms < STORABLE.latest, time).toBe(true)
}

describe('fuzzed vendor records', () => {
  for (const source of INGESTIBLE_SOURCES) {
    it(`${source}: ${RUNS} malformed and adversarial records — none crashes, each is stored, skipped or rejected with a field and a reason`, { timeout: 120_000 }, () => {
      const parser = sourceParser(source)
      const seen: Record<Verdict, number> = { stored: 0, rejected: 0, skipped: 0 }
      fc.assert(
        fc.property(fuzzedRecord(seeds(source)), (value) => {
          for (const v of verdicts(parser, value)) seen[v]++
        }),
        { numRuns: RUNS, seed: 20261206 },
      )
      // the property is worth something only if the fuzzer reaches both sides
      expect(seen.stored).toBeGreaterThan(RUNS / 20)
      expect(seen.rejected).toBeGreaterThan(RUNS / 20)
    })
  }
})
