import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import type { IdpFactRow, SourceParser } from '@/lib/sources/types'

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures')

/** The records of a fixture as the ingest reader hands them over: NDJSON lines, or a document the parser expands. */
export function fixtureRecords(parser: SourceParser, name: string): unknown[] {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8')
  const values = name.endsWith('.ndjson') ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown) : [JSON.parse(text) as unknown].flat()
  return values.flatMap((value) => parser.expand?.(value) ?? [value])
}

/** The facts of one record, which must parse. */
export function factsOf(parser: SourceParser, record: unknown): IdpFactRow[] {
  const result = parser.parse(record, JSON.stringify(record))
  if (!result.ok) throw new Error(`expected the record to parse, got "${result.error}"`)
  expect(result.requests).toEqual([])
  return result.facts
}

/** What each fact states, without the record's own columns. */
export function stated(facts: IdpFactRow[]): Array<Partial<IdpFactRow>> {
  return facts.map(({ event_id: _e, fact_index: _i, source: _s, time: _t, vendor_event_type: _v, raw: _r, ...rest }) =>
    Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== '' && v !== null)),
  )
}

export function parseError(parser: SourceParser, record: unknown): string {
  const result = parser.parse(record, JSON.stringify(record))
  if (result.ok) throw new Error('expected the record to be rejected')
  return result.error
}
