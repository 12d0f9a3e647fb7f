import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileCli, custodyCli, measure } from './measure'

export type IngestBenchRow = {
  source: string
  /** which code ran: `current`, or the baseline commit */
  version: string
  records: number
  accepted: number
  cliSeconds: number
  /** user + system CPU of the CLI's process tree */
  cliCpuSeconds: number
  cliPerSecond: number
  cliPeakRssMb: number
  rawSeconds: number
  /** user + system CPU of the raw insert's process (start and count included) */
  rawCpuSeconds: number
  rawPerSecond: number
  ratio: number
}

const tsx = path.join('node_modules', '.bin', 'tsx')

/**
 * CLI ingest of one demo file into a fresh data dir, then the engine's raw insert of the same normalized rows.
 * `checkout` is the directory whose code runs (today's, or a baseline commit's).
 */
export async function benchIngest(
  source: string,
  file: string,
  table: string,
  checkout = { dir: process.cwd(), version: 'current' },
): Promise<IngestBenchRow> {
  await compileCli(checkout.dir)
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `custody-bench-${source}-`))
  const dataDir = path.join(work, 'cli')
  const cli = await custodyCli(['ingest', '--source', source, file, '--json'], dataDir, checkout.dir)
  if (cli.code > 1) throw new Error(`ingest failed (${cli.code}): ${cli.stderr}`)
  const summary = JSON.parse(cli.stdout) as { read: number; accepted: number }
  const rows = path.join(work, 'rows.jsonl')
  const exported = await measure(tsx, ['test/bench/raw-insert.ts', 'export', rows, table], { CUSTODY_DATA_DIR: dataDir })
  if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`)
  const raw = await measure(tsx, ['test/bench/raw-insert.ts', 'insert', rows, table], { CUSTODY_DATA_DIR: path.join(work, 'raw') })
  if (raw.code !== 0) throw new Error(`raw insert failed: ${raw.stderr}`)
  const rawResult = JSON.parse(raw.stdout) as { rows: number; seconds: number }
  fs.rmSync(work, { recursive: true, force: true })
  const cliPerSecond = summary.read / cli.seconds
  // an Okta record is several fact rows: compare records per second on both sides
  const rawRecordsPerSecond = summary.accepted / rawResult.seconds
  return {
    source,
    version: checkout.version,
    records: summary.read,
    accepted: summary.accepted,
    cliSeconds: cli.seconds,
    cliCpuSeconds: cli.cpuSeconds,
    cliPerSecond,
    cliPeakRssMb: cli.peakRssMb,
    rawSeconds: rawResult.seconds,
    rawCpuSeconds: raw.cpuSeconds,
    rawPerSecond: rawRecordsPerSecond,
    ratio: cliPerSecond / rawRecordsPerSecond,
  }
}
