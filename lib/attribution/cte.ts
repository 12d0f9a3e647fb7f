import { joinSql, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'

/**
 * A named subquery of a report's WITH clause. ClickHouse inlines a CTE at every place it
 * is referenced (nothing is materialized), so each building block is written to be cheap
 * to re-run: the IdP side is small, the gateway side is read with column filters only.
 */
export type Cte = { name: string; body: SqlFragment }

export function cte(name: string, body: SqlFragment): Cte {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`cte: bad name ${name}`)
  return { name, body }
}

/** `WITH a AS (...), b AS (...)` from groups of CTEs in dependency order; a name appears once. */
export function withCtes(...groups: Cte[][]): SqlFragment {
  const seen = new Set<string>()
  const unique = groups.flat().filter((c) => (seen.has(c.name) ? false : (seen.add(c.name), true)))
  return sql`WITH ${joinSql(unique.map((c) => sql`${unsafeRawSql(c.name)} AS (${c.body})`), ',\n')}`
}
