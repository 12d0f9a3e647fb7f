// npm run bench — measures ingest throughput and report latency and writes BENCHMARKS.md.
// BENCH_ONLY=ingest|reports|intake runs one of them (intake needs a `next build`); BENCH_SCALE and BENCH_REPORT_ACTIONS size them.
// BENCH_BASELINE=<git ref> also times that commit's ingest in the same run, interleaved with today's.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeDemoLogs } from '@/lib/demo'
import { checkoutBaseline, type BaselineCheckout } from './baseline-checkout'
import { writeSection } from './benchmarks-file'
import { benchIngest, type IngestBenchRow } from './ingest-bench'
import { benchIntake } from './intake-bench'
import { benchReports } from './reports-bench'

const only = process.env.BENCH_ONLY
if (!only || only === 'ingest') publish('ingest', await ingestSection(Number(process.env.BENCH_SCALE ?? 1)))
if (!only || only === 'reports') publish('reports', await benchReports())
if (!only || only === 'intake') publish('intake', await benchIntake())

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
  const rows: IngestBenchRow[] = []
  try {
    for (const [source, table] of [['gateway', 'gateway_requests'], ['okta', 'idp_events']] as const) {
      for (const checkout of checkouts) {
        process.stderr.write(`ingest ${source} (${checkout.version}) …\n`)
        rows.push(await benchIngest(source, fileOf(source), table, checkout))
      }
    }
  } finally {
    baseline?.dispose()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return ingestTable(scale, rows, baseline)
}

function ingestTable(scale: number, rows: IngestBenchRow[], baseline: BaselineCheckout | null): string {
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
      ? [`Baseline = commit ${baseline.commit} (\`BENCH_BASELINE=${baseline.ref}\`), timed in the same run on the same files, just before today's code.`]
      : []),
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
