// The customer's path (issue 11, point 5): vendor-format files for BENCH_CUSTOMER_ACTIONS agent actions
// (default 10M) in 30 days, ingested through `custody ingest` one day at a time as a shipper delivers
// them, then every report as a fresh CLI process and from the warm server (`next start`, the report API).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { REPORT_NAMES, type ReportName } from '@/lib/reports'
import { newDataDir, startDashboard, stopDashboard } from '../intake/dashboard'
import { customerShape } from './customer/vendor-files'
import { customerActions } from './customer/shape'
import { custodyCli, measure, peakRssMb, resetPeakRss, writeCustomerFileSet, type Measured } from './measure'
import { signInCookie } from './pages-bench'
import { type Goal, goalCell, mb, secs } from './goals'

const PORT = Number(process.env.BENCH_CUSTOMER_PORT ?? 3194)
const WARM_RUNS = 3

type Ingested = { source: string; calls: number; files: number; read: number; accepted: number; seconds: number; peakRssMb: number; slowestCallSeconds: number }
type Parts = { table: string; parts: number; partitions: number; most: number }
type ReportTiming = { name: string; firstSeconds: number; secondSeconds: number; cliPeakRssMb: number; serverFirstSeconds: number; serverSeconds: number; serverPeakRssMb: number }

export async function benchCustomer(): Promise<string> {
  const shape = customerShape(customerActions())
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-customer-'))
  const files = path.join(work, 'files')
  const dataDir = newDataDir('customer')
  try {
    process.stderr.write(`customer: writing vendor files for ${shape.actions} actions to ${files}\n`)
    const written = await writeCustomerFileSet(files, shape.actions)
    const ingested = await ingestLikeAShipper(files, dataDir)
    const parts = await activeParts(dataDir)
    const period = ['--from', shape.from.toISOString(), '--to', shape.to.toISOString()]
    const emptyPeriod = () => custodyCli(['report', 'unattributed', '--from', '2025-01-01T00:00:00Z', '--to', '2025-01-02T00:00:00Z', '--json'], dataDir)
    const empties = [await emptyPeriod(), await emptyPeriod()]
    if (empties.some((e) => e.code !== 0)) throw new Error(`customer: empty-period report failed: ${empties.map((e) => e.stderr).join('\n')}`)
    const cli = new Map<ReportName, { first: number; second: number; rss: number }>()
    for (const name of REPORT_NAMES) {
      const runs = [await custodyCli(['report', name, ...period, '--json'], dataDir), await custodyCli(['report', name, ...period, '--json'], dataDir)]
      if (runs.some((r) => r.code !== 0)) throw new Error(`customer: report ${name} failed: ${runs.map((r) => r.stderr).join('\n')}`)
      cli.set(name, { first: runs[0].seconds, second: runs[1].seconds, rss: Math.max(...runs.map((r) => r.peakRssMb)) })
      process.stderr.write(`customer: cli ${name} ${runs[0].seconds.toFixed(1)} s, again ${runs[1].seconds.toFixed(1)} s\n`)
    }
    const server = await fromWarmServer(dataDir, shape.from, shape.to)
    const reports: ReportTiming[] = REPORT_NAMES.map((name) => ({
      name, firstSeconds: cli.get(name)!.first, secondSeconds: cli.get(name)!.second, cliPeakRssMb: cli.get(name)!.rss, ...server.get(name)!,
    }))
    return customerSection(shape.actions, filesSummary(files), written.seconds, ingested, parts, empties, reports)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
    if (process.env.BENCH_CUSTOMER_KEEP_DATA_DIR) process.stderr.write(`customer: data dir kept at ${dataDir}\n`)
    else fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Keys once, then day by day: that day's Okta file, then the gateways' files of the day — each one `custody ingest` call. */
async function ingestLikeAShipper(files: string, dataDir: string): Promise<Ingested[]> {
  const totals = new Map<string, Ingested>()
  const days = new Set([...fs.readdirSync(path.join(files, 'okta')), ...fs.readdirSync(path.join(files, 'gateway'))].map((f) => f.slice(-17, -7)))
  const batches: [string, string[]][] = [['keys', [path.join(files, 'keys.ndjson')]]]
  for (const day of [...days].sort()) {
    for (const source of ['okta', 'gateway']) {
      const dayFiles = fs.readdirSync(path.join(files, source)).filter((f) => f.endsWith(`${day}.ndjson`)).map((f) => path.join(files, source, f))
      if (dayFiles.length) batches.push([source, dayFiles])
    }
  }
  for (const [source, batch] of batches) {
    const run = await custodyCli(['ingest', '--source', source, ...batch, '--json'], dataDir)
    if (run.code !== 0) throw new Error(`customer: ingest ${source} ${batch.join(' ')} failed (${run.code}): ${run.stderr.slice(-2000)}`)
    const summary = JSON.parse(run.stdout) as { read: number; accepted: number }
    const t = totals.get(source) ?? { source, calls: 0, files: 0, read: 0, accepted: 0, seconds: 0, peakRssMb: 0, slowestCallSeconds: 0 }
    totals.set(source, {
      source, calls: t.calls + 1, files: t.files + batch.length, read: t.read + summary.read, accepted: t.accepted + summary.accepted,
      seconds: t.seconds + run.seconds, peakRssMb: Math.max(t.peakRssMb, run.peakRssMb), slowestCallSeconds: Math.max(t.slowestCallSeconds, run.seconds),
    })
    process.stderr.write(`customer: ingest ${source} ${path.basename(batch[0])}: ${summary.read} in ${run.seconds.toFixed(1)} s\n`)
  }
  return [...totals.values()]
}

/** The active parts the ingest calls left (test/bench/customer/parts.ts), read by a process of its own. */
async function activeParts(dataDir: string): Promise<Parts[]> {
  const run = await measure(path.join('node_modules', '.bin', 'tsx'), ['test/bench/customer/parts.ts'], { CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '' })
  if (run.code !== 0) throw new Error(`customer: reading the parts failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as Parts[]
}

/** Each report through GET /api/reports/<name> of the built dashboard: the first call, then the median of the next ones. */
async function fromWarmServer(dataDir: string, from: Date, to: Date) {
  execFileSync(path.join('node_modules', '.bin', 'tsx'), ['test/e2e/seed-users.ts'], { env: { ...process.env, CUSTODY_DATA_DIR: dataDir }, stdio: 'inherit' })
  if (!fs.existsSync('.next/BUILD_ID') || process.env.BENCH_PAGES_REBUILD) execFileSync('npx', ['next', 'build'], { stdio: 'inherit' })
  const dashboard = await startDashboard(dataDir, PORT, { CUSTODY_QUERY_TIMEOUT_SECONDS: '900' })
  const timings = new Map<ReportName, { serverFirstSeconds: number; serverSeconds: number; serverPeakRssMb: number }>()
  try {
    const cookie = await signInCookie(dashboard.url)
    const pid = dashboard.process.pid!
    for (const name of REPORT_NAMES) {
      resetPeakRss(pid)
      const url = `${dashboard.url}/api/reports/${name}?from=${from.toISOString()}&to=${to.toISOString()}`
      const runs: number[] = []
      for (let i = 0; i <= WARM_RUNS; i++) {
        const started = performance.now()
        const res = await fetch(url, { headers: { cookie } })
        await res.text()
        if (res.status !== 200) throw new Error(`customer: ${url} answered ${res.status}`)
        runs.push((performance.now() - started) / 1000)
      }
      const warm = runs.slice(1).sort((a, b) => a - b)
      timings.set(name, { serverFirstSeconds: runs[0], serverSeconds: warm[Math.floor(warm.length / 2)], serverPeakRssMb: peakRssMb(pid) })
      process.stderr.write(`customer: server ${name} first ${runs[0].toFixed(2)} s, warm ${timings.get(name)!.serverSeconds.toFixed(2)} s\n`)
    }
  } finally {
    await stopDashboard(dashboard)
  }
  return timings
}

function filesSummary(files: string): string {
  const count = (dir: string) => fs.readdirSync(path.join(files, dir)).length
  const bytes = (dir: string) => fs.readdirSync(path.join(files, dir)).reduce((n, f) => n + fs.statSync(path.join(files, dir, f)).size, 0)
  return `${count('gateway')} gateway files (${mb(bytes('gateway'))} MB), ${count('okta')} Okta files (${mb(bytes('okta'))} MB), one key inventory`
}

/** Goals of issue 11: reports (point 4) and the empty-period start (point 2). */
const REPORT_WARM: Goal = { text: '≤ 1 s', met: (s) => s <= 1 }
const REPORT_RSS: Goal = { text: '≤ 1,024 MB', met: (m) => m <= 1024 }
const EMPTY_PERIOD: Goal = { text: '≤ 1 s', met: (s) => s <= 1 }
const INGEST_RATE: Record<string, Goal> = {
  gateway: { text: '≥ 150,000/s', met: (r) => r >= 150_000 },
  okta: { text: '≥ 50,000/s', met: (r) => r >= 50_000 },
}
const INGEST_RSS: Goal = { text: '≤ 512 MB', met: (m) => m <= 512 }

function customerSection(actions: number, files: string, writeSeconds: number, ingested: Ingested[], parts: Parts[], empties: Measured[], reports: ReportTiming[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  return [
    `## The customer's path at ${fmt(actions)} actions (issue 11)`,
    '',
    `Measured ${new Date().toISOString()} on ${os.cpus().length} cores (load average ${os.loadavg()[0].toFixed(1)} at the end), Node ${process.version}.`,
    `Input: vendor-format files for ${fmt(actions)} agent actions in 30 days (BENCH_CUSTOMER_ACTIONS), people in proportion — ${files} —`,
    `written by the engine in ${secs(writeSeconds)} s (test/bench/customer/). Each file is what a shipper delivers for one day (and gateway);`,
    'each day is one `npm run -s custody -- ingest` call per source, Okta first, on one embedded data dir.',
    `Active parts after the last call (each call's inserts are parts until chDB merges them): ${parts.map((p) => `${p.table} ${p.parts} in ${p.partitions} partition(s), at most ${p.most} in one`).join('; ')}.`,
    "Today's numbers (before issue 11, same shape, from the issue): ingest 42–89k gateway lines/s and ~5.6k Okta records/s;",
    'an empty-period report 13.5–15.5 s; the four attributed reports 12.6–20.6 s warm (40.8 s the first time), 2.2–3.0 GB peak RSS each.',
    'PostgreSQL baseline: the report benchmark section (same sessions, generated inside the engine) times every report on PostgreSQL too.',
    '',
    '| ingest | calls | files | records | accepted | s | records/s | slowest call s | peak RSS MB | goal records/s | goal RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...ingested.map((i) => {
      const rate = i.read / i.seconds
      const rateGoal = INGEST_RATE[i.source]
      return `| ${i.source} | ${i.calls} | ${i.files} | ${fmt(i.read)} | ${fmt(i.accepted)} | ${secs(i.seconds)} | ${fmt(rate)} | ${secs(i.slowestCallSeconds)} | ${i.peakRssMb} | ${rateGoal ? goalCell(rateGoal, rate) : '—'} | ${goalCell(INGEST_RSS, i.peakRssMb)} |`
    }),
    '',
    `An empty period (2025-01-01, no data) over all of it, as a fresh CLI process: the first after ingest ${secs(empties[0].seconds)} s wall`,
    `(${secs(empties[0].cpuSeconds)} s CPU), the next ${secs(empties[1].seconds)} s (${secs(empties[1].cpuSeconds)} s CPU), ${Math.max(...empties.map((e) => e.peakRssMb))} MB peak RSS`,
    `(goal ${goalCell(EMPTY_PERIOD, empties[1].seconds)}).`,
    '',
    'Reports over the 30 days. CLI = `npm run -s custody -- report <name> --json` as a fresh process (wall time, process start included), the first',
    `run after ingest and the one after it. Server = \`GET /api/reports/<name>\` of the built dashboard (\`next start\`) on the same data dir: the first`,
    `request, then the median of ${WARM_RUNS} more; its peak RSS is the server's while answering that report.`,
    '',
    '| report | CLI first s | CLI again s | CLI peak RSS MB | server first s | server warm s | server peak RSS MB | goal warm | goal memory |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...reports.map(
      (r) =>
        `| ${r.name} | ${secs(r.firstSeconds)} | ${secs(r.secondSeconds)} | ${r.cliPeakRssMb} | ${secs(r.serverFirstSeconds)} | ${secs(r.serverSeconds)} | ${r.serverPeakRssMb} | ${goalCell(REPORT_WARM, r.serverSeconds)} | ${goalCell(REPORT_RSS, Math.max(r.cliPeakRssMb, r.serverPeakRssMb))} |`,
    ),
    '',
  ].join('\n')
}
