import { parseArgs } from 'node:util'
import { evaluateAlerts } from '@/lib/alerts/evaluate'
import { RULES } from '@/lib/alerts/rules'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { UsageError } from './usage'

/**
 * `custody alerts run [--json]`: evaluates every alert rule now (for cron and scripts) and
 * prints `{ evaluated_at, alerts }`, every alert not resolved. Exit 0 whatever fires.
 */
export async function alertsCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv
  let json: boolean
  try {
    json = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } }).values.json === true
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (verb !== 'run') throw new UsageError(verb ? `unknown alerts command: ${verb}` : 'alerts needs a command: run')
  await migrateClickHouse()
  const run = await evaluateAlerts()
  if (json) process.stdout.write(JSON.stringify(run) + '\n')
  else {
    const lines = run.alerts.map((a) => `${a.state.padEnd(12)} ${RULES[a.rule].severity.padEnd(8)} ${a.rule} ${a.subject}: ${a.value} (threshold ${a.threshold}) since ${a.since}  ${a.link}`)
    process.stdout.write(`evaluated at ${run.evaluated_at}: ${run.alerts.length} alerts not resolved\n${lines.map((l) => `  ${l}\n`).join('')}`)
  }
  return 0
}
