// The embedded-engine half of the report benchmark, run as its own process (one chDB path per
// process) on $CUSTODY_DATA_DIR:
//   tsx test/bench/reports/chdb-side.ts <steps> <out dir>
// steps, comma-separated, in order: generate (the company, INSERT … SELECT FROM numbers),
// reattribute (the stored attribution built from scratch, timed), stages (the attribution
// building blocks, timed alone), time (each report warm, then the median of 3), late (a late
// IdP batch until the reports reflect it), export (the rows as CSV for PostgreSQL).
// Writes <out dir>/chdb.json (ChdbSide) and, for export, <out dir>/<table>.csv.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { closeClickHouse, command, query, sql, unsafeRawSql } from '@/lib/clickhouse'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { reattribute } from '@/lib/attribution'
import { DEFAULT_THRESHOLDS, REPORT_NAMES, REPORTS, type ReportName } from '@/lib/reports'
import { lateIdpBatch } from './late-batch'
import { generateGatewayRequests } from './generate-gateway'
import { generateIdpEvents } from './generate-idp'
import { EXPORTED_COLUMNS, type ChdbSide, type TimedReport } from './results'
import { benchShape, requestedActions } from './shape'
import { timeStages } from './stages'
import { medianOfRuns } from './timing'

const [steps = 'generate,time,export', outDir = '.'] = process.argv.slice(2)
const shape = benchShape(requestedActions())
const log = (line: string) => process.stderr.write(`chdb: ${line}\n`)
const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9

await migrateClickHouse()
const days = Math.round((shape.to.getTime() - shape.from.getTime()) / 86_400_000)
const side: ChdbSide = { actions: shape.actions, days, generateSeconds: null, partsAfterMerges: null, exportSeconds: null, rows: {}, reports: {} }

if (steps.includes('generate')) {
  const started = process.hrtime.bigint()
  await generateGatewayRequests(shape)
  await generateIdpEvents(shape)
  side.generateSeconds = seconds(started)
  log(`generated in ${side.generateSeconds.toFixed(1)} s`)
  side.partsAfterMerges = await settleMerges()
  log(`background merges settled: ${side.partsAfterMerges} parts of gateway_requests`)
}
for (const table of ['gateway_requests', 'idp_events'] as const) {
  const [{ n }] = await query<{ n: string }>(sql`SELECT count() AS n FROM ${unsafeRawSql(table)}`, { tag: 'bench' })
  side.rows[table] = Number(n)
}
const [{ n: distinct }] = await query<{ n: string }>(sql`SELECT count() AS n FROM gateway_requests FINAL`, { tag: 'bench' })
side.rows.gateway_requests_distinct = Number(distinct)
if (steps.includes('reattribute')) {
  const rebuilt = await reattribute(null, (step) => log(`reattribute: ${step}`))
  side.reattributeSeconds = rebuilt.seconds
  log(`stored attribution built from scratch in ${rebuilt.seconds.toFixed(1)} s`)
}
if (steps.includes('stages')) side.stages = await timeStages(shape, log)
if (steps.includes('time')) {
  for (const name of REPORT_NAMES) side.reports[name] = await timeReport(name)
}
// this process's peak so far: only the reports ran in it when the steps start at stages/time
side.peakRssBytes = process.resourceUsage().maxRSS * 1024
log(`peak RSS ${(side.peakRssBytes / 2 ** 20).toFixed(0)} MiB`)
if (steps.includes('export')) {
  const started = process.hrtime.bigint()
  for (const table of ['gateway_requests', 'idp_events'] as const) await exportTable(table)
  side.exportSeconds = seconds(started)
  log(`exported in ${side.exportSeconds.toFixed(1)} s`)
}
// after the export: PostgreSQL compares its answers with the reports timed above, before the late batch
if (steps.includes('late')) side.late = await lateIdpBatch(shape, log)
fs.writeFileSync(path.join(outDir, 'chdb.json'), JSON.stringify(side))
await closeClickHouse()

async function timeReport(name: ReportName): Promise<TimedReport> {
  const opts = { from: shape.from, to: shape.to, thresholds: DEFAULT_THRESHOLDS, now: shape.to }
  await REPORTS[name](opts) // the first report of a process also catches up the stored attribution: kept out of the CPU figure
  const cpu = process.cpuUsage()
  const timed = await medianOfRuns<unknown>(() => REPORTS[name](opts))
  const used = process.cpuUsage(cpu)
  // the warm-up and the timed runs; chDB's threads are in this process
  const cpuSeconds = (used.user + used.system) / 1e6 / (timed.runs.length + 1)
  log(`${name}: median ${timed.seconds.toFixed(2)} s (runs ${timed.runs.map((r) => r.toFixed(2)).join(', ')}), CPU ${cpuSeconds.toFixed(2)} s per run, load ${os.loadavg()[0].toFixed(1)}`)
  return { ...timed, cpuSeconds }
}

/**
 * Waits (up to 5 minutes) until the engine's background merges of the freshly written parts
 * are done, as they are in a running store, so no report is timed against a merge.
 */
async function settleMerges(): Promise<number> {
  for (let waited = 0, quiet = 0; waited < 300 && quiet < 2; waited += 5) {
    const [{ merges }] = await query<{ merges: string }>(sql`SELECT count() AS merges FROM system.merges`, { tag: 'bench' })
    quiet = Number(merges) === 0 ? quiet + 1 : 0
    await new Promise((resolve) => setTimeout(resolve, 5000))
  }
  const [{ parts }] = await query<{ parts: string }>(
    sql`SELECT count() AS parts FROM system.parts WHERE active AND table = 'gateway_requests'`,
    { tag: 'bench' },
  )
  return Number(parts)
}

async function exportTable(table: 'gateway_requests' | 'idp_events'): Promise<void> {
  const file = path.join(outDir, `${table}.csv`)
  await command(
    sql`INSERT INTO FUNCTION file(${file}, 'CSVWithNames')
      SELECT ${unsafeRawSql(EXPORTED_COLUMNS[table].join(', '))} FROM ${unsafeRawSql(table)}
      SETTINGS engine_file_truncate_on_insert = 1`,
    { tag: 'bench:export', timeoutSeconds: 3600 },
  )
}
