// The report benchmark (issue 3): every report over BENCH_REPORT_ACTIONS (default 10M)
// generated agent actions on the embedded engine, and the same report computed by PostgreSQL
// over the same rows in the same run, checked equal, as a ratio.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { benchPostgres } from './reports/postgres-side'
import type { ChdbSide } from './reports/results'
import { reportsSection } from './reports/section'
import { benchShape, requestedActions } from './reports/shape'

/** Runs the benchmark and returns its BENCHMARKS.md section (markdown). */
export async function benchReports(): Promise<string> {
  const shape = benchShape(requestedActions())
  const run = { startedAt: new Date(), loadAverage: os.loadavg()[0] }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-reports-'))
  try {
    const chdb = await runChdbSide(work, 'generate,stages,time,export')
    const postgres = await benchPostgres(work, shape, chdb)
    return reportsSection(shape, chdb, postgres, run)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

/**
 * The chDB half in its own process (one chDB path per process), on a fresh data dir in `work`:
 * every benchmark that needs the generated company (reports, pages, evidence, alerts) builds it here,
 * with `actions` agent actions (default BENCH_REPORT_ACTIONS).
 */
export async function runChdbSide(work: string, steps: string, dataDir = path.join(work, 'custody'), actions = requestedActions()): Promise<ChdbSide> {
  const tsx = path.join('node_modules', '.bin', 'tsx')
  const child = spawn(tsx, ['test/bench/reports/chdb-side.ts', steps, work], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CUSTODY_QUERY_TIMEOUT_SECONDS: '3600', BENCH_REPORT_ACTIONS: String(actions) },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  if (code !== 0) throw new Error(`report benchmark: the chDB side failed (exit ${code})`)
  return JSON.parse(fs.readFileSync(path.join(work, 'chdb.json'), 'utf8')) as ChdbSide
}
