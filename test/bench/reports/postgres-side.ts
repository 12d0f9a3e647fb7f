import path from 'node:path'
import { REPORT_NAMES, type ReportName } from '@/lib/reports'
import { differences, reportBody } from './compare'
import { createTables, databaseUrl, dropPgStore, indexTables, loadTable, openPgStore, type PgStore } from './postgres-load'
import { pgReport } from './postgres-reports'
import type { ChdbSide } from './results'
import type { BenchShape } from './shape'
import { medianOfRuns, timedOnce } from './timing'

/** A PostgreSQL report time: null when the warm-up run hit the cap. */
export type PgTimed = { seconds: number | null; runs: number[] }
export type PgSide = { loadSeconds: number; indexSeconds: number; capSeconds: number; reports: Record<string, PgTimed>; version: string }

const log = (line: string) => process.stderr.write(`postgres: ${line}\n`)

/**
 * Loads the rows chDB exported into PostgreSQL, runs every report there (warm-up, then the
 * median of 3; one timed run after a warm-up over a minute), and checks each answer equals
 * chDB's: a difference throws, so no ratio is ever printed for two different answers.
 */
export async function benchPostgres(work: string, shape: BenchShape, chdb: ChdbSide): Promise<PgSide> {
  const capSeconds = Number(process.env.BENCH_PG_CAP_SECONDS ?? 300)
  const store = await openPgStore(await databaseUrl(), `custody_bench_${process.pid}`)
  try {
    await createTables(store)
    const load = await timedOnce(async () => {
      await loadTable(store, 'gateway_requests', path.join(work, 'gateway_requests.csv'))
      await loadTable(store, 'idp_events', path.join(work, 'idp_events.csv'))
    })
    log(`loaded in ${load.seconds.toFixed(1)} s`)
    const index = await timedOnce(() => indexTables(store))
    log(`indexed and analyzed in ${index.seconds.toFixed(1)} s`)
    const { rows } = await store.client.query<{ version: string }>(`SELECT current_setting('server_version') AS version`)
    await store.client.query(`SET statement_timeout = ${Math.round(capSeconds * 1000)}`)
    const reports: Record<string, PgTimed> = {}
    for (const name of REPORT_NAMES) reports[name] = await timeAndVerify(store, name, shape, chdb)
    return { loadSeconds: load.seconds, indexSeconds: index.seconds, capSeconds, reports, version: rows[0].version }
  } finally {
    await dropPgStore(store)
  }
}

async function timeAndVerify(store: PgStore, name: ReportName, shape: BenchShape, chdb: ChdbSide): Promise<PgTimed> {
  const opts = { from: shape.from, to: shape.to, now: shape.to }
  try {
    const timed = await medianOfRuns(() => pgReport(store.client, name, opts), { slowSeconds: 60 })
    const found = differences(reportBody(chdb.reports[name].answer), timed.answer)
    if (found.length > 0) throw new Error(`report ${name}: PostgreSQL and chDB disagree:\n  ${found.join('\n  ')}`)
    log(`${name}: median ${timed.seconds.toFixed(2)} s (runs ${timed.runs.map((r) => r.toFixed(2)).join(', ')}), same answer`)
    return { seconds: timed.seconds, runs: timed.runs }
  } catch (error) {
    if (!isStatementTimeout(error)) throw error
    log(`${name}: over the cap, not compared`)
    return { seconds: null, runs: [] }
  }
}

function isStatementTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '57014'
}
