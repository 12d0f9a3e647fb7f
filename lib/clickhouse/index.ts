/**
 * The one gateway to ClickHouse. Every read and write in Custody goes through
 * these few functions: each is tagged (log_comment) and bounded (max_execution_time).
 */
import { Readable } from 'node:stream'
import { loadConfig } from '@/lib/config'
import { clickhouseClient } from './client'
import { traceStatement } from '@/lib/trace'
import { render, type SqlFragment } from './sql'

export { sql, joinSql, typed, unsafeRawSql, toClickHouseTime, type SqlFragment } from './sql'
export { clickhouseClient, closeClickHouse, isEmbedded } from './client'

type Options = { tag: string; timeoutSeconds?: number; settings?: Record<string, string | number> }

function settings(opts: Options, text: string) {
  traceStatement('clickhouse', opts.tag, text)
  return {
    log_comment: `custody:${opts.tag}`,
    max_execution_time: opts.timeoutSeconds ?? loadConfig().queryTimeoutSeconds,
    ...opts.settings,
  }
}

/** Runs a SELECT and returns every row (use only for bounded, aggregated answers). */
export async function query<T>(fragment: SqlFragment, opts: Options): Promise<T[]> {
  return (await select(fragment, opts)).json<T>()
}

/**
 * Runs a SELECT and yields its rows as they arrive, up to a thousand at a time (an embedded result arrives whole:
 * its rows are parsed a batch at a time): each row the array of its columns' values in the SELECT's order
 * (JSONCompactEachRow, whose values are JSONEachRow's without the column names on every row).
 */
export async function* streamBatches(fragment: SqlFragment, opts: Options): AsyncGenerator<unknown[][]> {
  for await (const rows of (await select(fragment, opts, 'JSONCompactEachRow')).stream()) {
    for (let i = 0; i < rows.length; i += BATCH_ROWS) yield rows.slice(i, i + BATCH_ROWS).map((row: { json<T>(): T }) => row.json<unknown[]>())
  }
}

const BATCH_ROWS = 1000

function select(fragment: SqlFragment, opts: Options, format: 'JSONEachRow' | 'JSONCompactEachRow' = 'JSONEachRow') {
  const q = render(fragment)
  return clickhouseClient().query({
    query: q.text,
    query_params: q.params,
    format,
    clickhouse_settings: settings(opts, q.text),
  })
}

/** Inserts rows (objects, or a stream of JSONEachRow text) into a table. */
export async function insert<T extends object>(
  table: string,
  rows: T[] | Readable,
  opts: Options,
): Promise<void> {
  if (Array.isArray(rows) && rows.length === 0) return
  await clickhouseClient().insert({
    table,
    values: rows as T[],
    format: 'JSONEachRow',
    clickhouse_settings: { ...settings(opts, `INSERT INTO ${table}`), date_time_input_format: 'best_effort' },
  })
}

/**
 * Runs an INSERT whose rows the caller already wrote as text in the statement's FORMAT
 * (e.g. `INSERT INTO t SELECT … FROM input('…') FORMAT TabSeparated`): no object per row,
 * the engine parses the text. The text travels as the request body, after the statement.
 */
export async function insertText(fragment: SqlFragment, rows: string | Buffer, opts: Options): Promise<void> {
  if (rows.length === 0) return
  const q = render(fragment)
  const result = await clickhouseClient().exec({
    query: q.text,
    query_params: q.params,
    values: Readable.from([rows]),
    clickhouse_settings: settings(opts, q.text),
  })
  for await (const _ of result.stream) void _ // over HTTP the socket is freed once the response is read
}

/** Runs DDL or INSERT … SELECT (no rows come back). */
export async function command(fragment: SqlFragment, opts: Options): Promise<void> {
  const q = render(fragment)
  await clickhouseClient().command({
    query: q.text,
    query_params: q.params,
    clickhouse_settings: settings(opts, q.text),
  })
}
