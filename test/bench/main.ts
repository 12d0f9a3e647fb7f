// npm run bench — measures ingest throughput and report latency and writes BENCHMARKS.md.
// BENCH_ONLY=ingest|parsers|reports|pages|pages-10m|intake|evidence|alerts|startup|ingest-scale|customer runs one of them (pages, intake and
// customer need a `next build`, made when missing; BENCH_PAGES_REBUILD=1 rebuilds); BENCH_SCALE, BENCH_PARSER_RECORDS,
// BENCH_REPORT_ACTIONS and BENCH_PAGES_SCALE size them. BENCH_BASELINE=<git ref> also times that commit's ingest (ingest,
// ingest-scale) and start-up (startup) in the same run, interleaved with today's.
// Issue 11:
//   startup       `custody report` on an empty period and data dir, fresh process; BENCH_STARTUP_RUNS (default 5) starts per report
//   ingest-scale  BENCH_INGEST_LINES gateway lines (default 1,000,000) and the Okta events of BENCH_INGEST_OKTA_ACTIONS actions
//                 (default 10,000,000: ~600k events) through `custody ingest` beside the engine's raw insert; then peak RSS of
//                 one BENCH_BIG_FILE_BYTES gateway file (default 2 GiB)
//   customer      vendor files for BENCH_CUSTOMER_ACTIONS actions (default 10,000,000; ~25k people, ~600k Okta events, ~6k keys)
//                 ingested day by day through `custody ingest`, then every report as a fresh CLI process and from the warm
//                 server (BENCH_CUSTOMER_PORT, default 3194). Needs ~6 GB in $TMPDIR at 10M.
//                 BENCH_CUSTOMER_KEEP_DATA_DIR=1 keeps the ingested data dir for a look afterwards.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeDemoLogs } from '@/lib/demo'
import { checkoutBaseline, type BaselineCheckout } from './baseline-checkout'
import { writeSection } from './benchmarks-file'
import { benchIngest, type IngestBenchRow } from './ingest-bench'
import { writeParserBenchFile } from './parser-files'
import { benchPages } from './pages-bench'
import { sourceParser, type IngestibleSource } from '@/lib/sources'
import { benchIntake } from './intake-bench'
import { benchReports, runChdbSide } from './reports-bench'
import { benchShape, requestedActions } from './reports/shape'
import { benchStartup } from './startup-bench'
import { benchIngestAtScale } from './ingest-scale-bench'
import { benchCustomer } from './customer-bench'

const only = process.env.BENCH_ONLY
if (!only || only === 'ingest') publish('ingest', await ingestSection(Number(process.env.BENCH_SCALE ?? 1)))
if (!only || only === 'parsers') publish('parsers', await parsersSection(Number(process.env.BENCH_PARSER_RECORDS ?? 100_000)))
if (!only || only === 'reports') publish('reports', await benchReports())
if (!only || only === 'pages') publish('pages', await benchPages())
if (!only || only === 'pages-10m') publish('pages-10m', await benchPagesAtScale())
if (!only || only === 'intake') publish('intake', await benchIntake())
if (!only || only === 'evidence') publish('evidence', await (await import('./evidence-bench')).benchEvidence())
if (!only || only === 'alerts') publish('alerts', await (await import('./alerts-bench')).benchAlerts())
if (!only || only === 'startup') publish('startup', await benchStartup())
if (!only || only === 'ingest-scale') publish('ingest-scale', await benchIngestAtScale())
if (!only || only === 'customer') publish('customer', await benchCustomer())

function publish(name: string, section: string) {
  writeSection(name, section)
  process.stdout.write(section + '\n')
}

async function ingestSection(scale: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-logs-'))
  process.stderr.write(`writing demo logs (scale ${scale}) to ${dir}\n`)
  const manifest = await writeDemoLogs(dir, { seed: 42, scale })
  const fileOf = (source: string) => manifest.files.find((f) => f.source === source)!.path
  const baseline = process.env.BENCH_BASELINE ? checkoutBaseline(process.env.BENCH_BASELINE) : null
  const checkouts = [
    ...(baseline ? [{ dir: baseline.dir, version: `baseline ${baseline.commit}` }] : []),
    { dir: process.cwd(), version: 'current' },
  ]
  const rounds = Number(process.env.BENCH_INGEST_ROUNDS ?? 1)
  const rows: IngestBenchRow[] = []
  try {
    for (const [source, table] of [['gateway', 'gateway_requests'], ['okta', 'idp_events']] as const) {
      const runs = new Map<string, IngestBenchRow[]>(checkouts.map((c) => [c.version, []]))
      // rounds alternate the checkouts, so a change in the machine's load reaches both alike
      for (let round = 1; round <= rounds; round += 1) {
        for (const checkout of checkouts) {
          process.stderr.write(`ingest ${source} (${checkout.version}, round ${round}/${rounds}) …\n`)
          runs.get(checkout.version)!.push(await benchIngest(source, fileOf(source), table, checkout))
        }
      }
      for (const checkout of checkouts) rows.push(medianRun(runs.get(checkout.version)!))
    }
  } finally {
    baseline?.dispose()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return ingestTable(scale, rows, baseline, rounds)
}

/** The run with the median CLI time (the lower middle one of an even count). */
function medianRun(runs: IngestBenchRow[]): IngestBenchRow {
  return [...runs].sort((a, b) => a.cliSeconds - b.cliSeconds)[Math.floor((runs.length - 1) / 2)]
}

/** Each IdP and OTLP parser through the CLI, beside the engine's own insert of the rows it stored. */
async function parsersSection(count: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-parsers-'))
  const sources: IngestibleSource[] = ['entra', 'auth0', 'keycloak', 'google', 'ocsf', 'otlp']
  const rows: IngestBenchRow[] = []
  try {
    for (const source of sources) {
      const file = path.join(dir, `${source}.ndjson`)
      const templates = writeParserBenchFile(source, count, file)
      process.stderr.write(`ingest ${source} (${count} records from ${templates} fixture records) …\n`)
      rows.push({ ...(await benchIngest(source, file, sourceParser(source).table)), version: `${templates} fixture records` })
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  return [
    '## Parser throughput (issue 9)',
    '',
    `Measured ${new Date().toISOString()} on ${os.cpus().length} cores, Node ${process.version}, ${fmt(count)} records per source.`,
    "Input: each parser's good fixture records (envelopes expanded), repeated with a fresh native id per copy (test/bench/parser-files.ts), as NDJSON.",
    "CLI = `custody ingest --source <s> <file> --json` as a fresh process on a fresh data dir; raw = the engine's own",
    '`INSERT … SELECT FROM file(JSONEachRow)` of the rows the CLI stored (an IdP record is one or more fact rows; OCSF API',
    'activity lands in gateway_requests and is not in the raw insert); records/s count records on both sides.',
    '',
    '| source | input | records | accepted | CLI s | CLI records/s | CLI peak RSS MB | raw s | raw records/s | ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.source} | ${r.version} | ${fmt(r.records)} | ${fmt(r.accepted)} | ${r.cliSeconds.toFixed(1)} | ${fmt(r.cliPerSecond)} | ${r.cliPeakRssMb} | ${r.rawSeconds.toFixed(1)} | ${fmt(r.rawPerSecond)} | ${r.ratio.toFixed(2)} |`,
    ),
    '',
  ].join('\n')
}

function ingestTable(scale: number, rows: IngestBenchRow[], baseline: BaselineCheckout | null, rounds: number): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  return [
    '## Ingest throughput (issue 2)',
    '',
    `Measured ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, demo scale ${scale}.`,
    'CLI = `npm run -s custody -- ingest --source <s> <file> --json` as a fresh process on a fresh embedded data dir',
    '(process start, schema migration, reading, validation, dedupe check, insert, ledger).',
    'Raw = the engine alone: `INSERT INTO <table> SELECT * FROM file(<rows>, JSONEachRow)` of the same rows already normalized, in a fresh data dir.',
    'Ratio = CLI records/s ÷ raw records/s (an Okta record is several fact rows: raw counts records too). Goal: ratio ≥ 0.5 and ≥ 100k events/s.',
    ...(baseline
      ? [`Baseline = commit ${baseline.commit} (\`BENCH_BASELINE=${baseline.ref}\`), timed in the same run on the same files, alternating with today's code.`]
      : []),
    ...(rounds > 1 ? [`Each row is the median-CLI-time run of ${rounds} (\`BENCH_INGEST_ROUNDS\`).`] : []),
    '',
    '| source | code | records | accepted | CLI s | CLI records/s | CLI peak RSS MB | raw s | raw records/s | ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.source} | ${r.version} | ${fmt(r.records)} | ${fmt(r.accepted)} | ${r.cliSeconds.toFixed(1)} | ${fmt(r.cliPerSecond)} | ${r.cliPeakRssMb} | ${r.rawSeconds.toFixed(1)} | ${fmt(r.rawPerSecond)} | ${r.ratio.toFixed(2)} |`,
    ),
    '',
  ].join('\n')
}

/**
 * The pages over the report benchmark's company (BENCH_REPORT_ACTIONS, default 10M actions in
 * October 2026, generated inside the engine), with the demo users added to sign in with.
 */
async function benchPagesAtScale(): Promise<string> {
  const shape = benchShape(requestedActions())
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-pages-scale-'))
  const dataDir = path.join(work, 'custody')
  try {
    await runChdbSide(work, 'generate,reattribute', dataDir)
    execFileSync(path.join('node_modules', '.bin', 'tsx'), ['test/e2e/seed-users.ts'], { env: { ...process.env, CUSTODY_DATA_DIR: dataDir }, stdio: 'inherit' })
    const over = `the report benchmark's company (${shape.actions.toLocaleString('en-US')} agent actions over 30 days, test/bench/reports/)`
    const runs = Number(process.env.BENCH_PAGES_SCALE_RUNS ?? 1)
    return await benchPages({ dataDir, over, runs, title: `Page render time at ${shape.actions.toLocaleString('en-US')} actions (issue 8)` })
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}
