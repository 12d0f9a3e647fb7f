// Okta ingest CPU (issue 11, point 3; BENCHMARKS.md "Okta ingest CPU, session 6"): the Okta System Log file of a
// BENCH_OKTA_ACTIONS-action company (default 2M: ~120k events) through `custody ingest` beside the engine's raw insert
// of the same rows (ingest-bench.ts), BENCH_REPEATS times (default 3), alternating a baseline commit (BENCH_BASELINE,
// required) and today's code, so both see the same load. Prints a markdown table; not part of `npm run bench`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { checkoutBaseline } from './baseline-checkout'
import { benchIngest, type IngestBenchRow } from './ingest-bench'
import { oneFile } from './ingest-scale-bench'
import { secs } from './goals'

const actions = Number(process.env.BENCH_OKTA_ACTIONS ?? 2_000_000)
const repeats = Number(process.env.BENCH_REPEATS ?? 3)
if (!process.env.BENCH_BASELINE) throw new Error('BENCH_BASELINE=<commit> is required')
const baseline = checkoutBaseline(process.env.BENCH_BASELINE)
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-okta-cpu-'))
try {
  const file = await oneFile(work, 'okta', actions, 'okta')
  const checkouts = [
    { dir: baseline.dir, version: `baseline ${baseline.commit}` },
    { dir: process.cwd(), version: 'current' },
  ]
  const rows: IngestBenchRow[] = []
  for (let i = 0; i < repeats; i++) {
    for (const checkout of checkouts) {
      process.stderr.write(`okta-ingest-cpu: run ${i + 1} (${checkout.version}) …\n`)
      rows.push(await benchIngest('okta', file, 'idp_events', checkout))
    }
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  console.log(`Measured ${new Date().toISOString()}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end.`)
  console.log('')
  console.log('| run | code | records | CLI s | CLI CPU s | CLI records/s | CLI peak RSS MB | raw s | raw CPU s | CPU ratio (raw CPU ÷ CLI CPU) | ratio (records/s) |')
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  rows.forEach((r, i) => {
    console.log(
      `| ${Math.floor(i / 2) + 1} | ${r.version} | ${fmt(r.records)} | ${secs(r.cliSeconds)} | ${secs(r.cliCpuSeconds)} | ${fmt(r.cliPerSecond)} | ${r.cliPeakRssMb} | ${secs(r.rawSeconds)} | ${secs(r.rawCpuSeconds)} | ${(r.rawCpuSeconds / r.cliCpuSeconds).toFixed(2)} | ${r.ratio.toFixed(2)} |`,
    )
  })
} finally {
  baseline.dispose()
  fs.rmSync(work, { recursive: true, force: true })
}
