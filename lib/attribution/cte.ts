import { joinSql, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'

/**
 * A named subquery of a report's WITH clause. ClickHouse inlines a CTE at every place it
 * is referenced, unless it is `materialized`: then it runs once per query into a temporary
 * table (needs the setting enable_materialized_cte, which reportRow sets; a CTE referenced
 * once is inlined anyway). The IdP-side blocks are materialized: every step of a report
 * reads them. A materialized CTE must not be read from an IN subquery (ClickHouse 26.7
 * builds such sets before the CTE exists: "Reading from materialized CTE … before its
 * materialization completed"); the blocks join instead.
 */
export type Cte = { name: string; body: SqlFragment; materialized?: boolean }

export function cte(name: string, body: SqlFragment, opts: { materialized?: boolean } = {}): Cte {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`cte: bad name ${name}`)
  return { name, body, materialized: opts.materialized }
}

/** `WITH a AS (...), b AS (...)` from groups of CTEs in dependency order; a name appears once. */
export function withCtes(...groups: Cte[][]): SqlFragment {
  const seen = new Set<string>()
  const unique = groups.flat().filter((c) => (seen.has(c.name) ? false : (seen.add(c.name), true)))
  return sql`WITH ${joinSql(unique.map((c) => sql`${unsafeRawSql(c.name)} AS ${unsafeRawSql(c.materialized ? 'MATERIALIZED ' : '')}(${c.body})`), ',\n')}`
}
