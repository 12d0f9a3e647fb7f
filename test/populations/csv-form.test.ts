import { stringify } from 'csv-stringify/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvBatches, csvStream } from '@/lib/populations/csv'

// The form the downloads had with csv-stringify (RFC 4180, CRLF, formula-safe): the project's own
// writer must give the very same bytes, or every pack's population hash would change under the auditor.
const reference = (columns: string[], rows: object[]) =>
  stringify(rows, {
    header: true,
    columns,
    record_delimiter: 'windows',
    escape_formulas: true,
    quoted_match: /[\r\n]/,
    cast: { boolean: (v) => (v ? 'true' : 'false'), date: (d) => d.toISOString() },
  })

const COLUMNS = ['event_id', 'identity', 'count', 'flag', 'closed_at', 'detail']
const tricky = fc.constantFrom('', ',', '"', '\r', '\n', '\r\n', '=', '+', '-', '@', '\t', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', "'", 'ü', '–', ' ')
const text = fc.array(fc.oneof(tricky, fc.string({ maxLength: 6 })), { maxLength: 5 }).map((parts) => parts.join(''))
const cell = fc.oneof(
  text,
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
  fc.dictionary(fc.string({ maxLength: 3 }), text, { maxKeys: 2 }),
  fc.array(text, { maxLength: 2 }),
)
const row = fc.record(Object.fromEntries(COLUMNS.map((c) => [c, cell])), { requiredKeys: [] })

describe("a population's CSV form", () => {
  it('is byte for byte what csv-stringify wrote for any rows, in one batch or several', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (rows, size) => {
        const csv = csvBatches(COLUMNS)
        let written = ''
        for (let at = 0; at < rows.length; at += size) written += csv(rows.slice(at, at + size))
        written += csv([])
        expect(written).toBe(reference(COLUMNS, rows))
      }),
      { numRuns: 2000 },
    )
  })

  it('streams the same bytes the batches give', async () => {
    const rows = fc.sample(row, { numRuns: 300, seed: 12 })
    async function* streamed() {
      yield* rows
    }
    const body = await new Response(csvStream(COLUMNS, streamed())).text()
    expect(body).toBe(reference(COLUMNS, rows))
  })
})
