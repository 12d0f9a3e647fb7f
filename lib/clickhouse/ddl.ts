import { loadConfig } from '@/lib/config'
import { sql, unsafeRawSql, type SqlFragment } from './sql'

// How DDL and mutations name a table, on one server or on a cluster (db/clickhouse migrations: {table:x} and {on_cluster}).

/** `ON CLUSTER '<c>'` when Custody runs on a cluster (CUSTODY_CLICKHOUSE_CLUSTER), else nothing. */
export function onCluster(): SqlFragment {
  const cluster = loadConfig().clickhouse.cluster
  return sql`${unsafeRawSql(cluster ? `ON CLUSTER '${cluster}'` : '')}`
}

/** A table named in SQL as it is: only letters and underscores, as every Custody table's name. */
export function tableName(name: string): SqlFragment {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a table name: ${name}`)
  return sql`${unsafeRawSql(name)}`
}

/** A table's data as DDL must name it: on a cluster the `_local` table on every node; reads and inserts use the plain name. */
export function localTable(name: string): SqlFragment {
  return sql`${tableName(loadConfig().clickhouse.cluster ? `${name}_local` : name)} ${onCluster()}`
}
