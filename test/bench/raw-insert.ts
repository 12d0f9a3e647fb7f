// One step of the ingest benchmark, run in its own process (one chDB path per process):
//   export <rows.jsonl> <table> — writes the normalized rows of $CUSTODY_DATA_DIR as JSONEachRow
//   insert <rows.jsonl> <table> — the engine's own INSERT … SELECT FROM file(…, JSONEachRow) into a fresh schema
import { command, query, sql, unsafeRawSql, closeClickHouse } from '@/lib/clickhouse'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'

const [step, file, table] = process.argv.slice(2)
await migrateClickHouse()
const target = unsafeRawSql(table === 'idp_events' ? 'idp_events' : 'gateway_requests')
if (step === 'export') {
  await command(
    sql`INSERT INTO FUNCTION file(${file}, 'JSONEachRow') SELECT * EXCEPT (ingested_at) FROM ${target} SETTINGS engine_file_truncate_on_insert = 1`,
    { tag: 'bench:export', timeoutSeconds: 600 },
  )
} else {
  const started = process.hrtime.bigint()
  await command(sql`INSERT INTO ${target} SELECT * FROM file(${file}, 'JSONEachRow')`, { tag: 'bench:raw-insert', timeoutSeconds: 600 })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const [{ n }] = await query<{ n: string }>(sql`SELECT count() AS n FROM ${target}`, { tag: 'bench' })
  process.stdout.write(JSON.stringify({ rows: Number(n), seconds }) + '\n')
}
await closeClickHouse()
