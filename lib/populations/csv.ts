import { Readable } from 'node:stream'

/**
 * A population as CSV (dashboard.md): RFC 4180 (CRLF, quoted where needed), a header row of
 * `columns`, times as the rows carry them (UTC ISO 8601), booleans as true/false, nulls empty,
 * and formula-safe cells (a text cell starting with = + - @ tab or CR gets a leading quote, so a
 * crafted identity cannot run in a spreadsheet). Streamed: each row is pulled from `rows` only
 * when the reader wants more, so no population is ever held in memory.
 */
export function csvStream<Row extends object>(columns: readonly string[], rows: AsyncIterable<Row>): ReadableStream<Uint8Array> {
  async function* lines() {
    yield csvHeader(columns)
    for await (const row of rows) yield csvRecord(columns, row)
  }
  return Readable.toWeb(Readable.from(lines(), { objectMode: false })) as ReadableStream<Uint8Array>
}

/**
 * The same CSV text, for rows handed over in batches (the header before the first batch): an
 * evidence pack hashes tens of thousands of rows, and a stream's per-row write costs more than the row.
 */
export function csvBatches(columns: readonly string[]): (rows: object[]) => string {
  let header = true
  return (rows) => {
    let text = header ? csvHeader(columns) : ''
    header = false
    for (const row of rows) text += csvRecord(columns, row)
    return text
  }
}

function csvHeader(columns: readonly string[]): string {
  return `${columns.map((c) => csvCell(c)).join(',')}\r\n`
}

/** One row as its CSV line, CRLF-terminated: its `columns` in order. */
export function csvRecord(columns: readonly string[], row: object): string {
  const values = row as Record<string, unknown>
  let line = ''
  for (let i = 0; i < columns.length; i++) line += i === 0 ? csvCell(values[columns[i]]) : `,${csvCell(values[columns[i]])}`
  return `${line}\r\n`
}

// A text cell a spreadsheet would run (a negative number is not one). With the full-width forms some spreadsheets fold to these.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/
// Quoted when it holds the delimiter, a quote or a line break (RFC 4180).
const NEEDS_QUOTES = /[",\r\n]/

/** One cell: empty for null, true/false, dates as ISO 8601 UTC, numbers as JavaScript prints them, objects as JSON. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  const numeric = typeof value === 'number' || typeof value === 'bigint'
  let text: string
  if (typeof value === 'string') text = value
  else if (numeric) text = String(value)
  else if (typeof value === 'boolean') text = value ? 'true' : 'false'
  else if (value instanceof Date) text = value.toISOString()
  else if (typeof value === 'object') text = JSON.stringify(value)
  else throw new Error(`CSV: a ${typeof value} has no CSV form`)
  if (text === '') return ''
  const quoted = NEEDS_QUOTES.test(text)
  if (!numeric && FORMULA_START.test(text)) text = `'${text}`
  return quoted ? `"${text.replaceAll('"', '""')}"` : text
}
