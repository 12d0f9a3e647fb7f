import { z } from 'zod'
import { joinSql, sql, typed, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { InvalidParameter } from '@/lib/reports/search-params'

/** A column of a population's sort key: every list is read in ascending key order, and the key is unique. */
export type KeyColumn = { name: string; type: 'time' | 'string' | 'count' }

const cursorValues = z.array(z.union([z.string(), z.number()]))

/** The opaque `?after=` value for the row whose key values are `values`. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/**
 * `(k1, k2, …) > (v1, v2, …)`: the rows after the cursor, as a seek on the sort key (no rows
 * are read and skipped, as OFFSET would). Throws InvalidParameter for a cursor no list gave.
 */
export function afterCursor(key: readonly KeyColumn[], cursor: string): SqlFragment {
  const values = decode(cursor)
  if (!values || values.length !== key.length || key.some((k, i) => !fits(k, values[i]))) {
    throw new InvalidParameter('after', 'after is not a position this list gave; open the list from its first page')
  }
  const columns = key.map((k) => k.name).join(', ')
  const bound = joinSql(values.map((v, i) => sql`${bind(key[i], v)}`), ', ')
  return sql`(${rawNames(columns)}) > (${bound})`
}

function decode(cursor: string): (string | number)[] | null {
  try {
    const parsed = cursorValues.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function fits(column: KeyColumn, value: string | number): boolean {
  if (column.type === 'count') return typeof value === 'number' && Number.isInteger(value) && value >= 0
  if (column.type === 'time') return typeof value === 'string' && !Number.isNaN(Date.parse(value))
  return typeof value === 'string'
}

function bind(column: KeyColumn, value: string | number) {
  if (column.type === 'time') return typed(new Date(value), "DateTime64(3, 'UTC')")
  if (column.type === 'count') return typed(value, 'UInt64')
  return typed(value, 'String')
}

// Key column names are constants of the population modules, never user input.
function rawNames(names: string) {
  if (!/^[a-z_, ]+$/.test(names)) throw new Error(`cursor: bad key columns ${names}`)
  return unsafeRawSql(names)
}
