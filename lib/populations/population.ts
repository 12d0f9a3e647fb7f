import { z } from 'zod'
import { joinSql, query, sql, streamBatches, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { attributionReady } from '@/lib/attribution/maintain'
import { render, type SqlQuery } from '@/lib/clickhouse/sql'
import { REPORT_QUERY_SETTINGS } from '@/lib/reports/common'
import { afterCursor, encodeCursor, type KeyColumn } from './cursor'
import { rowDecoder } from './row-decoder'

/**
 * A population (dashboard.md, Populations): rows a report counts, listed. `columns` are its
 * CSV columns in order; `key` a unique sort key (keyset pagination and CSV order), whose
 * columns the population also selects; `row` turns one ClickHouse row into the domain row.
 */
export type Population<Row> = {
  name: string
  columns: readonly string[]
  key: readonly KeyColumn[]
  row: z.ZodType<Row, unknown>
}

/** `after` (a keyset cursor a page gave) wins over `page` (1-based, dashboard.md's `?page=N`). */
export type PageRequest = { after?: string; page?: number; per: number }
export type PopulationPage<Row> = { rows: Row[]; total: number; next: string | null }

/** What a population query starts with: `WITH …` whose last CTE is named `population`. */
export type PopulationSource = { with: SqlFragment; where: SqlFragment[] }

/** One page by keyset cursor or by number, with the size of the whole filtered population. */
export async function readPage<Row>(p: Population<Row>, source: PopulationSource, page: PageRequest): Promise<PopulationPage<Row>> {
  if (!Number.isInteger(page.per) || page.per < 1 || page.per > 500) throw new Error(`${p.name}: per must be 1..500`)
  await attributionReady()
  return page.page !== undefined && page.page > 1 && !page.after ? readNumberedPage(p, source, page.page, page.per) : readPageAfter(p, source, page)
}

/**
 * One page after the cursor, and the size of the whole filtered population, in one pass: the
 * page is the `per + 1` smallest keys (groupArraySorted keeps only those, whatever the
 * population's size), the extra one only says whether a next page exists.
 */
async function readPageAfter<Row>(p: Population<Row>, source: PopulationSource, page: PageRequest): Promise<PopulationPage<Row>> {
  const names = selected(p)
  const after = page.after ? afterCursor(p.key, page.after) : sql`1`
  const [result] = await query<{ total: number; page: unknown[] }>(
    sql`${source.with}
      SELECT count() AS total, groupArraySortedIf(${unsafeRawSql(String(page.per + 1))})((${columnList(names)}), ${after}) AS page
      FROM population WHERE ${where(source)}`,
    { tag: `population:${p.name}`, settings: REPORT_QUERY_SETTINGS },
  )
  const tuples = result.page.map((t) => asRecord(names, t))
  const shown = tuples.slice(0, page.per)
  return { rows: shown.map((t) => p.row.parse(t)), total: Number(result.total), next: tuples.length > page.per ? nextCursor(p, shown) : null }
}

/**
 * Page `number` (rows (number-1)*per … number*per-1 in key order) and the total, in one pass:
 * the population is attributed in full for the count anyway, so the window count and the
 * OFFSET over the sorted rows add a sort, not a scan. A page past the end has no row to carry
 * the window count, so its total is counted on its own.
 */
async function readNumberedPage<Row>(p: Population<Row>, source: PopulationSource, number: number, per: number): Promise<PopulationPage<Row>> {
  const names = selected(p)
  const rows = await query<Record<string, unknown> & { population_total: number }>(
    sql`${source.with}
      SELECT count() OVER () AS population_total, ${columnList(names)} FROM population WHERE ${where(source)}
      ORDER BY ${columnList(p.key.map((k) => k.name))}
      LIMIT ${per} OFFSET ${(number - 1) * per}`,
    { tag: `population:${p.name}:page`, settings: REPORT_QUERY_SETTINGS },
  )
  const total = rows.length > 0 ? Number(rows[0].population_total) : await countAll(p, source)
  const shown = rows.map(({ population_total: _, ...row }) => row)
  return { rows: shown.map((r) => p.row.parse(r)), total, next: (number - 1) * per + shown.length < total ? nextCursor(p, shown) : null }
}

async function countAll(p: Population<unknown>, source: PopulationSource): Promise<number> {
  const [row] = await query<{ total: number }>(sql`${source.with} SELECT count() AS total FROM population WHERE ${where(source)}`, {
    tag: `population:${p.name}:count`,
    settings: REPORT_QUERY_SETTINGS,
  })
  return Number(row.total)
}

function nextCursor(p: Population<unknown>, shown: Record<string, unknown>[]): string | null {
  const last = shown.at(-1)
  return last ? encodeCursor(p.key.map((k) => cursorValue(k, last[k.name]))) : null
}

/** A population's rows as they stream, and the query that reads them (the evidence pack's method section prints it). */
export type PopulationRows<Row> = AsyncIterable<Row> & { query: SqlQuery }

/**
 * Every row of the filtered population in key order, streamed from ClickHouse (no row limit).
 * `checked`: the stored attribution's check this read relies on; default its own (attributionReady).
 * An evidence pack checks once for all its reports and populations.
 */
export function readAll<Row>(p: Population<Row>, source: PopulationSource, checked?: Promise<void>): PopulationRows<Row> {
  const names = selected(p)
  const fragment = sql`${source.with}
      SELECT ${columnList(names)} FROM population WHERE ${where(source)}
      ORDER BY ${columnList(p.key.map((k) => k.name))}`
  return Object.assign(streamRows(p, fragment, checked), { query: render(fragment) })
}

/**
 * Several filters of one population read in one query (one scan by the engine instead of one each): the rows
 * meeting any part's conditions in key order, with a column per part (`part`, 1 or 0) saying whether the row is
 * that part's. Each part's rows, in key order, are what readAll with its conditions gives. A row waits in its
 * part's queue until that part is read, so a part read later holds its rows meanwhile. `apart`: each part runs
 * the query with only its own conditions (the query's rows whose column is 1, no others sent or held): the
 * engine reads once per part, for a family too large to hold while another part is drawn.
 */
export function readAllParts<Row>(
  p: Population<Row>,
  source: PopulationSource,
  parts: { part: string; where: SqlFragment[] }[],
  checked?: Promise<void>,
  apart = false,
): { query: SqlQuery; rows: AsyncIterable<Row>[] } {
  const names = selected(p)
  const flags = parts.map((t) => sql`(${where({ ...source, where: t.where })}) AS ${columnList([t.part])}`)
  const conditions = parts.map((t) => sql`(${where({ ...source, where: t.where })})`)
  const picking = (picked: SqlFragment[]) => sql`${source.with}
      SELECT ${columnList(names)}, ${joinSql(flags, ', ')} FROM population
      WHERE ${where(source)} AND (${joinSql(picked, ' OR ')})
      ORDER BY ${columnList(p.key.map((k) => k.name))}`
  const fragment = picking(conditions)
  const tag = `population:${p.name}:parts`
  const decode = rowDecoder(p.row, names)
  if (apart) {
    const own = async function* (i: number): AsyncGenerator<Row> {
      for await (const batch of checkedBatches(picking([conditions[i]]), checked, tag)) for (const values of batch) yield decode(values)
    }
    return { query: render(fragment), rows: parts.map((_, i) => ({ [Symbol.asyncIterator]: () => own(i) })) }
  }
  const queues = parts.map(() => new RowQueue<Row>())
  let batches: AsyncGenerator<unknown[][]> | null = null
  const next = async (i: number): Promise<IteratorResult<Row>> => {
    batches ??= checkedBatches(fragment, checked, tag)
    while (queues[i].length === 0) {
      const read = await batches.next()
      // another part's read, asked at the same time, may have brought this part's last rows
      if (read.done) break
      for (const values of read.value) {
        const row = decode(values)
        // each part's column follows the population's, in the parts' order
        for (let j = 0; j < parts.length; j++) if (values[names.length + j]) queues[j].push(row)
      }
    }
    return queues[i].length > 0 ? { done: false, value: queues[i].take() } : { done: true, value: undefined }
  }
  return { query: render(fragment), rows: parts.map((_, i) => ({ [Symbol.asyncIterator]: () => ({ next: () => next(i) }) })) }
}

/** Rows in arrival order, each taken in O(1): Array#shift moves every row behind the one taken (a population held whole, then drawn). */
class RowQueue<Row> {
  private rows: (Row | undefined)[] = []
  private head = 0

  get length(): number {
    return this.rows.length - this.head
  }

  push(row: Row): void {
    this.rows.push(row)
  }

  take(): Row {
    const row = this.rows[this.head] as Row
    this.rows[this.head++] = undefined
    if (this.head === this.rows.length) {
      this.rows = []
      this.head = 0
    }
    return row
  }
}

// A whole population, sorted: read in the table's order, the quarter's attributed actions FINAL cost the engine twice
// the CPU of reading them in parallel and sorting (~0.4 s of ~1 s for the demo quarter's unattributed and flagged
// actions; no change for the other populations). A page (LIMIT) keeps the read in order.
const FULL_READ_SETTINGS = { ...REPORT_QUERY_SETTINGS, optimize_read_in_order: 0 }

async function* checkedBatches(fragment: SqlFragment, checked: Promise<void> | undefined, tag: string): AsyncGenerator<unknown[][]> {
  await (checked ?? attributionReady())
  yield* streamBatches(fragment, { tag, settings: FULL_READ_SETTINGS })
}

async function* streamRows<Row>(p: Population<Row>, fragment: SqlFragment, checked?: Promise<void>): AsyncGenerator<Row> {
  const decode = rowDecoder(p.row, selected(p))
  for await (const batch of checkedBatches(fragment, checked, `population:${p.name}:all`)) for (const values of batch) yield decode(values)
}

export type SampleRequest = { size: number; seed: string }
export type PopulationSample<Row> = { rows: Row[]; total: number }

/**
 * `size` rows of the filtered population drawn by `seed`, and the population's size, in one
 * query inside ClickHouse: the rows ordered by sipHash64(seed, key) — a seeded permutation that
 * is the same on any machine — then by the key itself (ties), the first `size` kept. Key values
 * are hashed as text, times as Unix milliseconds, so no time zone or locale moves a row. A
 * size over the population gives all of it.
 */
export async function readSample<Row>(p: Population<Row>, source: PopulationSource, s: SampleRequest): Promise<PopulationSample<Row>> {
  if (!Number.isInteger(s.size) || s.size < 1) throw new Error(`${p.name}: a sample size is a whole number from 1`)
  await attributionReady()
  const names = selected(p)
  const keyColumns = columnList(p.key.map((k) => k.name)) // throws on a name that is not a plain column, before any enters keyText
  const keyText = p.key.map((k) => (k.type === 'time' ? `toString(toUnixTimestamp64Milli(${k.name}))` : `toString(${k.name})`))
  const rows = await query<Record<string, unknown> & { population_total: number }>(
    sql`${source.with}
      SELECT count() OVER () AS population_total, ${columnList(names)} FROM population WHERE ${where(source)}
      ORDER BY sipHash64(${s.seed}, ${unsafeRawSql(keyText.join(', '))}), ${keyColumns}
      LIMIT ${s.size}`,
    { tag: `population:${p.name}:sample`, settings: REPORT_QUERY_SETTINGS },
  )
  const total = rows.length > 0 ? Number(rows[0].population_total) : 0
  return { rows: rows.map(({ population_total: _, ...row }) => p.row.parse(row)), total }
}

/** A row's key values by name (times as ISO 8601), as recorded for a drawn sample. */
export function keyOf(p: Population<unknown>, row: Record<string, unknown>): Record<string, string | number> {
  return Object.fromEntries(p.key.map((k) => [k.name, cursorValue(k, row[k.name])]))
}

// The key first: tuples compare element by element, so groupArraySorted orders by the key.
function selected(p: Population<unknown>): string[] {
  const keyNames = p.key.map((k) => k.name)
  return [...keyNames, ...p.columns.filter((c) => !keyNames.includes(c))]
}

function where(source: PopulationSource): SqlFragment {
  return source.where.length === 0 ? sql`1` : joinSql(source.where, ' AND ')
}

// Column names are constants of the population modules, never user input.
function columnList(names: string[]): SqlFragment {
  for (const n of names) if (!/^[a-z_]+$/.test(n)) throw new Error(`population: bad column ${n}`)
  return sql`${unsafeRawSql(names.join(', '))}`
}

// A tuple comes back as an array, or as an object when the server names tuple elements.
function asRecord(names: string[], tuple: unknown): Record<string, unknown> {
  if (!Array.isArray(tuple)) return tuple as Record<string, unknown>
  return Object.fromEntries(names.map((n, i) => [n, tuple[i]]))
}

function cursorValue(column: KeyColumn, value: unknown): string | number {
  if (column.type === 'count') return Number(value)
  if (column.type === 'time') return new Date(String(value).endsWith('Z') ? String(value) : `${value}Z`).toISOString()
  return String(value)
}

/** `?page=N` (1-based), `?after=` (a cursor a page gave; wins over page) and `?per=` (dashboard.md: up to 500 a page). */
export const pageQuery = z.object({
  after: z.string().max(4096).optional(),
  page: z.coerce.number({ message: 'page must be a number from 1' }).int('page must be a whole number').min(1, 'page must be at least 1').max(1_000_000, 'page may be at most 1,000,000').optional(),
  per: z.coerce.number({ message: 'per must be a number from 1 to 500' }).int('per must be a whole number').min(1, 'per must be at least 1').max(500, 'per may be at most 500').default(50),
})
