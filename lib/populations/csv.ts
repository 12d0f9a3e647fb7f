import { Readable } from 'node:stream'
import { stringify, type Options, type Stringifier } from 'csv-stringify'
import { stringify as stringifyRows } from 'csv-stringify/sync'

/**
 * A population as CSV (dashboard.md): RFC 4180 (CRLF, quoted where needed), a header row of
 * `columns`, times as the rows carry them (UTC ISO 8601), booleans as true/false, nulls empty,
 * and formula-safe cells (a text cell starting with = + - @ tab or CR gets a leading quote, so a
 * crafted identity cannot run in a spreadsheet). Streamed: each row is pulled from `rows` only
 * when the reader wants more, so no population is ever held in memory.
 */
export function csvStream<Row extends object>(columns: readonly string[], rows: AsyncIterable<Row>): ReadableStream<Uint8Array> {
  const csv = csvStringifier(columns)
  const source = Readable.from(rows)
  source.on('error', (err) => csv.destroy(err))
  source.pipe(csv)
  return Readable.toWeb(csv) as ReadableStream<Uint8Array>
}

/** The one CSV form of a population: the download writes it, an evidence pack hashes it (so the two can be compared). */
export function csvStringifier(columns: readonly string[]): Stringifier {
  return stringify(csvOptions(columns))
}

/**
 * The same CSV text, for rows handed over in batches (the header before the first batch): an
 * evidence pack hashes tens of thousands of rows, and a stream's per-row write costs more than the row.
 */
export function csvBatches(columns: readonly string[]): (rows: object[]) => string {
  let header = true
  return (rows) => {
    const text = stringifyRows(rows, { ...csvOptions(columns), header })
    header = false
    return text
  }
}

function csvOptions(columns: readonly string[]): Options {
  return {
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    escape_formulas: true,
    quoted_match: /[\r\n]/, // RFC 4180: a line break inside a cell is quoted too (csv-stringify quotes only the delimiter by itself)
    cast: { boolean: (v) => (v ? 'true' : 'false'), date: (d) => d.toISOString() },
  }
}
