// Runs the report benchmark alone and writes its section of BENCHMARKS.md (as main.ts does for
// every section): BENCH_REPORT_ACTIONS=1000000 npx tsx test/bench/reports/run.ts
import fs from 'node:fs'
import { benchReports } from '../reports-bench'

const section = await benchReports()
const file = 'BENCHMARKS.md'
const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`.\n'
const block = `<!-- bench:reports -->\n${section}\n<!-- /bench:reports -->`
const marked = /<!-- bench:reports -->[\s\S]*?<!-- \/bench:reports -->/
fs.writeFileSync(file, marked.test(current) ? current.replace(marked, block) : `${current}\n${block}\n`)
process.stdout.write(section + '\n')
