// The evidence-pack benchmark (issue 12): time and peak memory of `custody export --control all`
// for a quarter, as a fresh process (start, stores, every report and population, the PDF, the
// signature), over the demo company (BENCH_EVIDENCE_SCALE, default 1: its 90 days are the quarter)
// and over the report benchmark's company (BENCH_EVIDENCE_ACTIONS actions in October 2026; 0 skips it).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DAY, iso, PERIOD_DAYS, PERIOD_END, PERIOD_START } from '@/lib/demo/clock'
import { measure } from './measure'
import { runChdbSide } from './reports-bench'
import { benchShape } from './reports/shape'

type PackRun = { over: string; period: string; run: string; seconds: number; peakRssMb: number; pdfKb: number; pages: number; rows: string }

export async function benchEvidence(): Promise<string> {
  const scale = Number(process.env.BENCH_EVIDENCE_SCALE ?? 1)
  const actions = Number((process.env.BENCH_EVIDENCE_ACTIONS ?? '10000000').replaceAll('_', ''))
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-evidence-'))
  const runs: PackRun[] = []
  try {
    const demo = path.join(work, 'demo')
    process.stderr.write(`evidence: loading the demo company (scale ${scale})\n`)
    execFileSync('npx', ['tsx', 'lib/cli/main.ts', 'demo', '--scale', String(scale)], { env: { ...process.env, CUSTODY_DATA_DIR: demo }, stdio: ['ignore', 'ignore', 'inherit'] })
    const quarter = { from: iso(PERIOD_START), to: iso(PERIOD_END) }
    runs.push(...(await timeExports(demo, `the demo company, scale ${scale}`, quarter, work)))
    if (actions > 0) {
      const shape = benchShape(actions)
      const company = path.join(work, 'company')
      await runChdbSide(work, 'generate,reattribute', company, { BENCH_REPORT_ACTIONS: String(actions) })
      const over = `the report benchmark's company (${shape.actions.toLocaleString('en-US')} actions)`
      // a quarter, as over the demo data: the 90 days ending where its 30 days of traffic end
      const from = new Date(shape.to.getTime() - PERIOD_DAYS * DAY)
      runs.push(...(await timeExports(company, over, { from: from.toISOString(), to: shape.to.toISOString() }, work)))
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
  return section(runs)
}

/** Two exports as fresh processes: the first also creates the signing key and warms the OS's file cache. */
async function timeExports(dataDir: string, over: string, period: { from: string; to: string }, work: string): Promise<PackRun[]> {
  const out = path.join(work, 'pack.pdf')
  const timed: PackRun[] = []
  for (const run of ['first', 'second']) {
    process.stderr.write(`evidence: export all over ${over} (${run}) …\n`)
    const args = ['tsx', 'lib/cli/main.ts', 'export', '--control', 'all', '--from', period.from, '--to', period.to, '--out', out, '--as-of', period.to, '--json']
    const m = await measure('npx', args, { CUSTODY_DATA_DIR: dataDir, CUSTODY_QUERY_TIMEOUT_SECONDS: '3600' })
    if (m.code !== 0) throw new Error(`evidence: export exited ${m.code}: ${m.stderr}`)
    const summary = JSON.parse(m.stdout) as { populations: { name: string; rows: number }[] }
    const pdf = fs.readFileSync(out)
    timed.push({
      over,
      period: `${period.from} – ${period.to}`,
      run,
      seconds: m.seconds,
      peakRssMb: m.peakRssMb,
      pdfKb: Math.round(pdf.length / 1024),
      pages: pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0,
      rows: summary.populations.map((p) => `${p.name} ${p.rows.toLocaleString('en-US')}`).join(', '),
    })
  }
  return timed
}

function section(runs: PackRun[]): string {
  return [
    '## Evidence pack render time (issue 12)',
    '',
    `Measured ${new Date().toISOString()} on ${os.cpus().length} cores, Node ${process.version}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min).`,
    '`npm run -s custody -- export --control all --from <quarter> --to <quarter> --out pack.pdf --as-of <to> --json` as a fresh process',
    '(process start, stores, every report the pack needs, every population streamed into its tables and hashed, the PDF, the',
    'Ed25519 signature, the export record). Peak RSS of the process tree. Goal: ≤ 5 s for a quarter over the demo data.',
    "Over the report benchmark's company the quarter is the 90 days ending with its 30 days of traffic (its coverage section lists",
    'the 60 days before as without events). No goal is set there: it is recorded to show how a pack grows with the data. Its time is',
    'the reports and populations the engine computes over every action of the quarter, and the PDF, which lists each population in full,',
    'so its size and pages follow the population row counts (last column), not the number of actions.',
    '',
    '| data | period | run | s | peak RSS MB | PDF KB | pages | population rows |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |',
    ...runs.map((r) => `| ${r.over} | ${r.period} | ${r.run} | ${r.seconds.toFixed(1)} | ${r.peakRssMb} | ${r.pdfKb} | ${r.pages} | ${r.rows} |`),
    '',
  ].join('\n')
}
