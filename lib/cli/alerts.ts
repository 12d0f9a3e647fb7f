import { parseArgs } from 'node:util'
import { evaluateAlerts } from '@/lib/alerts/evaluate'
import { RULES } from '@/lib/alerts/rules'
import { alertRunSchema, type AlertRun } from '@/lib/alerts/alert'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { loadConfig } from '@/lib/config'
import { drainNotifications } from '@/lib/notifications'
import { DataDirBusyError } from '@/lib/store/lock'
import { runningDashboard } from './handoff'
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
  const { run, here } = await evaluateHereOrInDashboard()
  if (json) process.stdout.write(JSON.stringify(run) + '\n')
  else {
    const lines = run.alerts.map((a) => `${a.state.padEnd(12)} ${RULES[a.rule].severity.padEnd(8)} ${a.rule} ${a.subject}: ${a.value} (threshold ${a.threshold}) since ${a.since}  ${a.link}`)
    process.stdout.write(`evaluated at ${run.evaluated_at}: ${run.alerts.length} alerts not resolved\n${lines.map((l) => `  ${l}\n`).join('')}`)
  }
  // a running dashboard sends what its own evaluation queued
  if (here) await sendNotifications()
  return 0
}

/** Evaluates in this process, or, when a dashboard owns the embedded stores, asks it to (intake.md's handoff). */
async function evaluateHereOrInDashboard(): Promise<{ run: AlertRun; here: boolean }> {
  try {
    await migrateClickHouse()
  } catch (err) {
    const dashboard = err instanceof DataDirBusyError ? runningDashboard(loadConfig().dataDir) : null
    if (!dashboard) throw err
    const res = await fetch(new URL('/api/local/alerts/run', dashboard.url), { method: 'POST', headers: { authorization: `Bearer ${dashboard.token}` } })
    if (!res.ok) throw new Error(`the running dashboard refused to evaluate the alerts (${res.status}): ${await res.text()}`)
    return { run: alertRunSchema.parse(await res.json()), here: false }
  }
  return { run: await evaluateAlerts(), here: true }
}

/** Sends what this run (or an earlier one, or an ingest) queued, waiting out the retries for up to two minutes. */
async function sendNotifications(): Promise<void> {
  const sent = await drainNotifications()
  if (sent.failed > 0 || sent.pending > 0) {
    process.stderr.write(`custody: notifications: ${sent.delivered} delivered, ${sent.failed} failed, ${sent.pending} still queued (see /alerts/destinations)\n`)
  }
}
