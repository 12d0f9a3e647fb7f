// The alert evaluation, timed in its own process (one chDB path per process) on $CUSTODY_DATA_DIR:
//   tsx test/bench/alerts/evaluate-side.ts <out dir>
// First evaluateAlerts() cold (the process's first, on data no evaluation has seen), then the
// newest-event lookup, each rule's query and the whole evaluation warm (median of 3 after a
// warm-up). Writes <out dir>/alerts.json (AlertsSide).
import fs from 'node:fs'
import path from 'node:path'
import { closeAppStore, openAppStore } from '@/db'
import { RULE_QUERIES } from '@/lib/alerts/breaches'
import { evaluateAlerts } from '@/lib/alerts/evaluate'
import { newestEventTime } from '@/lib/alerts/newest-event'
import { RULE_IDS } from '@/lib/alerts/rules'
import { closeClickHouse } from '@/lib/clickhouse'
import { clickhouseReady } from '@/lib/clickhouse/ready'
import { settingsInForce } from '@/lib/thresholds/in-force'
import { medianOfRuns, timedOnce } from '../reports/timing'
import type { AlertsSide } from './results'

const [outDir = '.'] = process.argv.slice(2)
const log = (line: string) => process.stderr.write(`alerts: ${line}\n`)

await clickhouseReady()
// a fresh data dir creates and migrates its app store on first open: once per data dir, not per evaluation
const store = await timedOnce(() => openAppStore())
log(`app store opened in ${store.seconds.toFixed(2)} s`)
const cold = await timedOnce(evaluateAlerts)
log(`evaluateAlerts cold: ${cold.seconds.toFixed(2)} s, ${cold.answer.alerts.length} alerts open`)
const newestEvent = await medianOfRuns(newestEventTime)
const newest = newestEvent.answer
if (!newest) throw new Error('alert benchmark: no event stored (did the generation run?)')
const { settings } = await settingsInForce(store.answer)
const rules = {} as AlertsSide['rules']
for (const rule of RULE_IDS) {
  const timed = await medianOfRuns(() => RULE_QUERIES[rule]({ newest, settings }))
  rules[rule] = { seconds: timed.seconds, runs: timed.runs, breaches: timed.answer.length }
  log(`${rule}: median ${timed.seconds.toFixed(2)} s, ${timed.answer.length} breaches`)
}
const warm = await medianOfRuns(evaluateAlerts)
log(`evaluateAlerts warm: median ${warm.seconds.toFixed(2)} s`)
const side: AlertsSide = {
  storeSeconds: store.seconds,
  coldSeconds: cold.seconds,
  warm: { seconds: warm.seconds, runs: warm.runs },
  newestEvent: { seconds: newestEvent.seconds, runs: newestEvent.runs },
  rules,
  alertsOpen: cold.answer.alerts.length,
}
fs.writeFileSync(path.join(outDir, 'alerts.json'), JSON.stringify(side))
await closeAppStore()
await closeClickHouse()
