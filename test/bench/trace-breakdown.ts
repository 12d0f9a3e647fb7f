// The steps of one traced `custody ingest` (BENCHMARKS.md, "Okta ingest CPU, session 6"): wall and CPU seconds per step, from
// the stderr of `CUSTODY_TRACE=1 /usr/bin/time -f '%e %U %S %M' node --liftoff-only lib/cli/launch.mjs ingest …`. Each
// statement line ends with the process's CPU so far (lib/trace.ts); a step runs from its first statement to the next step's.
// `npx tsx test/bench/trace-breakdown.ts <stderr file>` prints a markdown table.
import fs from 'node:fs'

type Mark = { wallMs: number; cpuMs: number; tag: string }

const STATEMENT = /^custody: trace \+(\d+)ms (?:clickhouse|app-store) (\S+): .* \(cpu (\d+)ms\)$/

/** The step a statement starts; after the ledger, the app store's boot until the first alert rule. */
function stepOf(tag: string, afterLedger: boolean, alerting: boolean): string {
  if (afterLedger) return alerting ? 'ledger, alert rules' : 'app store boot (PGlite, its migrations)'
  if (tag === 'ingest:ledger') return 'ledger, alert rules'
  if (tag.startsWith('migrate')) return 'schema check'
  if (tag.endsWith('-engine-rows')) return "engine: each batch's rows"
  if (tag.endsWith('-engine-route') || tag.endsWith('-engine-insert')) return 'engine: route, insert'
  if (tag === 'ingest:unstage') return 'JS: read, secret hint, stage the next batch'
  if (tag.startsWith('attribution:')) return 'attribution upkeep'
  return tag
}

const lines = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n')
const [wall, user, system] = lines.at(-1)!.split(' ').map(Number)
const marks: Mark[] = lines.flatMap((line) => {
  const m = STATEMENT.exec(line)
  return m ? [{ wallMs: Number(m[1]), cpuMs: Number(m[3]), tag: m[2] }] : []
})
const steps = new Map<string, { wall: number; cpu: number }>([['node and CLI start', { wall: marks[0].wallMs, cpu: marks[0].cpuMs }]])
let afterLedger = false
let alerting = false
marks.forEach((mark, i) => {
  const next = marks[i + 1] ?? { wallMs: wall * 1000, cpuMs: (user + system) * 1000 }
  // the last schema statement before the first batch: what follows it is reading that batch
  const step = next.tag?.endsWith('-engine-rows') && !mark.tag.startsWith('ingest:') ? 'JS: read, secret hint, stage the next batch' : stepOf(mark.tag, afterLedger, alerting)
  const sum = steps.get(step) ?? { wall: 0, cpu: 0 }
  steps.set(step, { wall: sum.wall + next.wallMs - mark.wallMs, cpu: sum.cpu + next.cpuMs - mark.cpuMs })
  afterLedger ||= mark.tag === 'ingest:ledger'
  alerting ||= next.tag?.startsWith('alert:') ?? false
})
console.log('| step | wall s | CPU s |\n| --- | ---: | ---: |')
for (const [step, { wall: w, cpu }] of steps) console.log(`| ${step} | ${(w / 1000).toFixed(2)} | ${(cpu / 1000).toFixed(2)} |`)
console.log(`| total | ${wall.toFixed(2)} | ${(user + system).toFixed(2)} |`)
