// The report benchmark (issues 3 and 11): every report over BENCH_REPORT_ACTIONS (default 10M)
// generated agent actions on the embedded engine, reading the stored attribution, and the same
// report computed by PostgreSQL over the same rows in the same run, checked equal, as a ratio;
// a late IdP batch until the reports reflect it; the quarter (30M over 90 days) on chDB.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { benchPostgres } from './reports/postgres-side'
import type { ChdbSide } from './reports/results'
import { reportsSection } from './reports/section'
import { benchShape, requestedActions, requestedQuarterActions } from './reports/shape'

/** Runs the benchmark and returns its BENCHMARKS.md section (markdown). */
export async function benchReports(): Promise<string> {
  const shape = benchShape(requestedActions())
  const run = { startedAt: new Date(), loadAverage: os.loadavg()[0] }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-reports-'))
  try {
    // generating and building the stored attribution in one process, the reports in the next: its peak RSS is theirs
    const built = await runChdbSide(work, 'generate,reattribute')
    // BENCH_REPORT_STAGES=0 leaves out timing the from-scratch oracle's blocks (minutes at 10M)
    const timed = await runChdbSide(work, process.env.BENCH_REPORT_STAGES === '0' ? 'time,late,export' : 'stages,time,late,export')
    const chdb: ChdbSide = { ...timed, generateSeconds: built.generateSeconds, partsAfterMerges: built.partsAfterMerges, reattributeSeconds: built.reattributeSeconds }
    const postgres = await benchPostgres(work, shape, chdb)
    fs.rmSync(path.join(work, 'custody'), { recursive: true, force: true })
    return reportsSection(shape, chdb, postgres, run, await benchQuarter(work))
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

/**
 * The quarter row: BENCH_REPORT_QUARTER_ACTIONS (default 3× BENCH_REPORT_ACTIONS) over 90 days,
 * every report timed the same way on chDB only; null when set to 0.
 */
async function benchQuarter(work: string): Promise<ChdbSide | null> {
  const actions = requestedQuarterActions()
  if (actions === 0) return null
  const env = { BENCH_REPORT_ACTIONS: String(actions), BENCH_REPORT_DAYS: '90' }
  const dataDir = path.join(work, 'quarter')
  const built = await runChdbSide(work, 'generate,reattribute', dataDir, env)
  const timed = await runChdbSide(work, 'time', dataDir, env)
  return { ...timed, generateSeconds: built.generateSeconds, partsAfterMerges: built.partsAfterMerges, reattributeSeconds: built.reattributeSeconds }
}

/**
 * The chDB half in its own process (one chDB path per process), on a fresh data dir in `work`:
 * every benchmark that needs the generated company (reports, pages, evidence, alerts) builds it here
 * (`env` may set BENCH_REPORT_ACTIONS and BENCH_REPORT_DAYS).
 */
export async function runChdbSide(work: string, steps: string, dataDir = path.join(work, 'custody'), env: Record<string, string> = {}): Promise<ChdbSide> {
  const tsx = path.join('node_modules', '.bin', 'tsx')
  const child = spawn(tsx, ['test/bench/reports/chdb-side.ts', steps, work], {
    env: { ...process.env, ...env, CUSTODY_DATA_DIR: dataDir, CUSTODY_QUERY_TIMEOUT_SECONDS: '3600' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  if (code !== 0) throw new Error(`report benchmark: the chDB side failed (exit ${code})`)
  return JSON.parse(fs.readFileSync(path.join(work, 'chdb.json'), 'utf8')) as ChdbSide
}
