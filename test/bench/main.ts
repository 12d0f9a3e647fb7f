// npm run bench — measures ingest throughput (and, where present, report latency) and writes BENCHMARKS.md.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeDemoLogs } from '@/lib/demo'
import { benchIngest, type IngestBenchRow } from './ingest-bench'

const scale = Number(process.env.BENCH_SCALE ?? 1)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-logs-'))
process.stderr.write(`writing demo logs (scale ${scale}) to ${dir}\n`)
const manifest = await writeDemoLogs(dir, { seed: 42, scale })
const fileOf = (source: string) => manifest.files.find((f) => f.source === source)!.path

const rows: IngestBenchRow[] = []
for (const [source, table] of [['gateway', 'gateway_requests'], ['okta', 'idp_events']] as const) {
  process.stderr.write(`ingest ${source} …\n`)
  rows.push(await benchIngest(source, fileOf(source), table))
}
fs.rmSync(dir, { recursive: true, force: true })

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const section = [
  '## Ingest throughput (issue 2)',
  '',
  `Measured ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, demo scale ${scale}.`,
  'CLI = `npm run -s custody -- ingest --source <s> <file> --json` as a fresh process on a fresh embedded data dir',
  '(process start, schema migration, reading, validation with zod, dedupe check, insert, ledger).',
  'Raw = the engine alone: `INSERT INTO <table> SELECT * FROM file(<rows>, JSONEachRow)` of the same rows already normalized, in a fresh data dir.',
  'Ratio = CLI records/s ÷ raw records/s. Goal: ratio ≥ 0.5 and ≥ 100k events/s.',
  '',
  '| source | records | accepted | CLI s | CLI records/s | CLI peak RSS MB | raw s | raw records/s | ratio |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) =>
    `| ${r.source} | ${fmt(r.records)} | ${fmt(r.accepted)} | ${r.cliSeconds.toFixed(1)} | ${fmt(r.cliPerSecond)} | ${r.cliPeakRssMb} | ${r.rawSeconds.toFixed(1)} | ${fmt(r.rawPerSecond)} | ${r.ratio.toFixed(2)} |`,
  ),
  '',
].join('\n')
writeSection('ingest', section)
process.stdout.write(section + '\n')

/** BENCHMARKS.md keeps one section per benchmark; each run replaces its own section. */
function writeSection(name: string, text: string) {
  const file = 'BENCHMARKS.md'
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`.\n'
  const start = `<!-- bench:${name} -->`
  const end = `<!-- /bench:${name} -->`
  const block = `${start}\n${text}\n${end}`
  const re = new RegExp(`${start}[\\s\\S]*?${end}`)
  fs.writeFileSync(file, re.test(current) ? current.replace(re, block) : `${current}\n${block}\n`)
}
