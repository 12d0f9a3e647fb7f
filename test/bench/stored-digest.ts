// What the data dir in CUSTODY_DATA_DIR holds, as a row count and a digest per table: the IdP facts, the IdP side and
// the attribution, leaving out what differs from run to run (run ids, ingest times, generations, versions). Two data
// dirs fed the same file by two versions of the code hold the same facts and attribution when every line matches
// (BENCHMARKS.md, "Okta ingest CPU, session 6"). `CUSTODY_DATA_DIR=<dir> npx tsx test/bench/stored-digest.ts`
import { query, sql, unsafeRawSql } from '@/lib/clickhouse'
/** each table, and the columns left out */
const tables: Array<[string, string]> = [
  ['idp_events', 'run_id, ingested_at'],
  ['attribution_subjects', 'generation'],
  ['attribution_credential_subjects', 'generation'],
  ['attribution_claims', 'generation'],
  ['attribution_credentials', 'generation, version'],
  ['attribution_triggers', 'generation'],
  ['attribution_identities', 'generation'],
  ['attributed_actions', 'version'],
  ['attributed_hours', 'version'],
]
for (const [table, except] of tables) {
  const cols = await query<{ name: string }>(sql`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${table} ORDER BY position`, { tag: 'd' })
  const kept = cols.map((c) => c.name).filter((c) => !except.split(', ').includes(c))
  const [{ engine }] = await query<{ engine: string }>(sql`SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = ${table}`, { tag: 'd' })
  const final = unsafeRawSql(engine.includes('Replacing') ? 'FINAL' : '')
  const [r] = await query<Record<string, string>>(
    sql`SELECT count() AS rows, sum(cityHash64(toString(tuple(${unsafeRawSql(kept.join(', '))})))) AS digest FROM ${unsafeRawSql(table)} ${final}`,
    { tag: 'd' },
  )
  console.log(`${table}: ${r.rows} rows, digest ${r.digest}`)
}
process.exit(0)
