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

// plain checks, not `expect`: they run on every row of 10,000 records per parser
function verdict(parser: SourceParser, record: unknown, result: ParseResult): Verdict {
  const about = () => JSON.stringify(record)?.slice(0, 300)
  if (!result.ok) {
    check(REASON.test(result.error), `reason "${result.error}" names no field`, about)
    return 'rejected'
  }
  const rows = [...result.requests, ...result.facts]
  if (result.skipped) {
    check(rows.length === 0, 'a skipped record produced rows', about)
    return 'skipped'
  }
  check(rows.length > 0, 'an accepted record produced no rows', about)
  const eventId = rows[0].event_id
  check(typeof eventId === 'string' && eventId.length > 0, 'no event id', about)
  for (const row of rows) {
    check(row.source === parser.name && row.event_id === eventId, 'rows of one record differ in source or event id', about)
    const times = 'issued_at' in row ? [row.time, row.issued_at, row.expires_at] : [row.time, row.token_iat, row.token_exp]
    for (const time of times) check(time === null || storable(time), `time ${time} cannot be stored`, about)
  }
  return 'stored'
}

function storable(time: string): boolean {
  const ms = Date.parse(time)
  return ISO.test(time) && ms >= STORABLE.earliest && ms < STORABLE.latest
}

function check(ok: boolean, problem: string, about: () => string | undefined): void {
  if (!ok) throw new Error(`${problem}: ${about()}`)
}

describe('fuzzed vendor records', () => {
  for (const source of INGESTIBLE_SOURCES) {
    it(`${source}: ${RUNS} malformed and adversarial records — none crashes, each is stored, skipped or rejected with a field and a reason`, { timeout: 120_000 }, () => {
      const parser = sourceParser(source)
      const documents = seeds(source)
      const seen: Record<Verdict, number> = { stored: 0, rejected: 0, skipped: 0 }
      fc.assert(
        fc.property(fuzzedRecord(documents.flatMap((d) => parser.expand?.(d) ?? [d]), documents), (value) => {
          for (const v of verdicts(parser, value)) seen[v]++
        }),
        { numRuns: RUNS, seed: 20261206 },
      )
      expect(seen.stored + seen.rejected + seen.skipped).toBeGreaterThanOrEqual(RUNS)
      // the property is worth something only if the fuzzer reaches both sides
      expect(seen.stored).toBeGreaterThan(RUNS / 20)
      expect(seen.rejected).toBeGreaterThan(RUNS / 20)
    })
  }
})
