// The IdP step of one Okta day on a store of BENCH_REPORT_ACTIONS generated actions (issue 11):
// the next IdP generation built whole from every fact (before) and from the previous one plus
// what the day's facts can change (after), alternated in one process on one store; then a late
// batch (1,000 facts, 5% of the people) the same way; then the incremental generation checked
// equal to a from-scratch one, table by table.
// Run: CUSTODY_DATA_DIR=/tmp/wt-idpinc-<n> BENCH_REPORT_ACTIONS=<n> npx tsx test/bench/reports/idp-generation-bench.ts
// A data dir that already holds the attributed store is reused (its days and late batches get new ids);
// BENCH_IDP_MODES=incremental times only the default path (a second clone of the code alternates with it);
// BENCH_IDP_CHECK=0 skips the closing comparison with a from-scratch generation; BENCH_IDP_LATE: late batches (default 2), their
// deactivations anywhere in the month (BENCH_IDP_LATE_WITHIN=month) or on its last day (day: logged as they happen).
import os from 'node:os'
import { z } from 'zod'
import { maintainAttribution, reattribute } from '@/lib/attribution'
import { buildIdpGeneration, IDP_TABLES } from '@/lib/attribution/maintain/idp-side'
import { readState } from '@/lib/attribution/maintain/state'
import { localTable } from '@/lib/clickhouse/ddl'
import { closeClickHouse, command, query, sql, unsafeRawSql } from '@/lib/clickhouse'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { DEFAULT_THRESHOLDS, REPORTS } from '@/lib/reports'
import { generateGatewayRequests } from './generate-gateway'
import { generateIdpEvents } from './generate-idp'
import { storeLateFacts } from './late-batch'
import { benchShape, requestedActions } from './shape'

const env = z
  .object({
    CUSTODY_DATA_DIR: z.string().startsWith('/tmp/'),
    BENCH_IDP_DAYS: z.coerce.number().int().min(1).max(10).default(2),
    BENCH_IDP_MODES: z.enum(['both', 'incremental']).default('both'),
    BENCH_IDP_CHECK: z.enum(['0', '1']).default('1'),
    BENCH_IDP_LATE: z.coerce.number().int().min(0).max(4).default(2),
    BENCH_IDP_LATE_WITHIN: z.enum(['month', 'day']).default('month'),
  })
  .parse(process.env)
const shape = benchShape(requestedActions(), 30)
const DAY = 86_400_000
const log = (line: string) => process.stderr.write(`idp-generation: ${line}\n`)
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1e6
}

await migrateClickHouse()
let started = Date.now()
const reused = (await readState()) !== null
if (!reused) {
  await generateGatewayRequests(shape)
  await generateIdpEvents(shape)
  await reattribute(null)
}
const [{ facts }] = await query<{ facts: string }>(sql`SELECT count() AS facts FROM idp_events`, { tag: 'bench' })
log(`${shape.actions} actions, ${facts} facts ${reused ? 'reused' : 'generated and attributed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
/** This run's ids: a reused store already holds earlier runs' days and late batches. */
const runTag = Date.now().toString(36)
const modesOf = (first: boolean) =>
  env.BENCH_IDP_MODES === 'incremental' ? (['incremental'] as const) : first ? (['full', 'incremental'] as const) : (['incremental', 'full'] as const)

/**
 * One more Okta day: the Okta facts of the period's last day again, a day later, as new events
 * naming new credentials (the same people sign in, new tokens are granted). Returns its facts.
 */
async function storeOktaDay(day: number, tag: string): Promise<number> {
  const last = shape.to.getTime() - DAY
  await command(
    sql`INSERT INTO idp_events SELECT * REPLACE (concat(event_id, ${tag}) AS event_id, if(credential_id != '', concat(credential_id, ${tag}), '') AS credential_id,
        time + toIntervalDay(${day}) AS time, now64(3) AS ingested_at)
      FROM idp_events WHERE source = 'okta' AND time >= ${new Date(last)} AND time < ${shape.to} AND run_id = 'bench'`,
    { tag: 'bench:okta-day' },
  )
  const [{ n }] = await query<{ n: string }>(sql`SELECT count() AS n FROM idp_events WHERE endsWith(event_id, ${tag})`, { tag: 'bench' })
  return Number(n)
}

type Timed = { mode: 'full' | 'incremental'; facts: number; idpSeconds: number; seconds: number; reflected?: number; cpuSeconds: number; load: number }
const [timed, lateRuns]: Timed[][] = [[], []]
for (let day = 1; day <= env.BENCH_IDP_DAYS; day++) {
  for (const mode of modesOf(day % 2 === 1)) {
    const dayFacts = await storeOktaDay(day, `-${runTag}d${day}${mode[0]}`)
    const cpu = process.cpuUsage()
    started = Date.now()
    const outcome = await maintainAttribution({ idpGeneration: mode })
    const run = { mode, facts: dayFacts, idpSeconds: outcome.idpSeconds ?? NaN, seconds: (Date.now() - started) / 1000, cpuSeconds: cpuSeconds(cpu), load: os.loadavg()[0] }
    timed.push(run)
    log(`${mode}: ${dayFacts} facts, IdP step ${run.idpSeconds.toFixed(2)} s, whole maintenance ${run.seconds.toFixed(2)} s wall / ${run.cpuSeconds.toFixed(2)} s CPU, load ${run.load.toFixed(1)}`)
  }
}

// a late IdP batch (issue 11 point 4: 1,000 facts touching 5% of the people), alternated the same way
/** A twentieth of the people no late batch deactivated yet (a repeat of the same deactivations moves nothing). */
async function freshPeople(): Promise<number> {
  const rows = await query<{ used: number }>(
    sql`SELECT DISTINCT toUInt32(toUInt64OrZero(substring(subject_id, 4)) % 20) AS used FROM idp_events WHERE run_id = 'bench-late' AND kind = 'trigger'`,
    { tag: 'bench' },
  )
  const used = new Set(rows.map((r) => Number(r.used)))
  const fresh = Array.from({ length: 20 }, (_, i) => i).find((i) => !used.has(i))
  if (fresh === undefined) throw new Error('every twentieth of the people was deactivated by a late batch: generate a new store')
  return fresh
}

for (let late = 1; late <= env.BENCH_IDP_LATE; late++) {
  for (const mode of modesOf(late === 1)) {
    const within = env.BENCH_IDP_LATE_WITHIN === 'day' ? { ...shape, from: new Date(shape.to.getTime() - DAY) } : shape
    await storeLateFacts(within, `late-${runTag}-${late}${mode}-`, await freshPeople())
    const cpu = process.cpuUsage()
    started = Date.now()
    const outcome = await maintainAttribution({ idpGeneration: mode })
    const seconds = (Date.now() - started) / 1000
    // until a report shows it: the report bench's late batch reads revocation-latency (its own check is current: no upkeep left)
    await REPORTS['revocation-latency']({ from: shape.from, to: shape.to, thresholds: DEFAULT_THRESHOLDS, now: shape.to })
    const reflected = (Date.now() - started) / 1000
    const run = { mode, facts: 1000, idpSeconds: outcome.idpSeconds ?? NaN, seconds, reflected, cpuSeconds: cpuSeconds(cpu), load: os.loadavg()[0] }
    lateRuns.push(run)
    log(`late batch, ${mode}: IdP step ${run.idpSeconds.toFixed(2)} s, whole maintenance ${seconds.toFixed(2)} s wall, in the report after ${reflected.toFixed(2)} s / ${run.cpuSeconds.toFixed(2)} s CPU, load ${run.load.toFixed(1)}`)
  }
}

/** Each IdP table of generation `id`: rows and an order-free hash of them (version aside). */
async function fingerprint(id: number): Promise<string[]> {
  const prints: string[] = []
  for (const table of IDP_TABLES) {
    const versioned = table === 'attribution_credentials'
    const [row] = await query<{ rows: string; hash: string }>(
      sql`SELECT count() AS rows, toString(sum(cityHash64(*))) AS hash FROM (SELECT * EXCEPT (${unsafeRawSql(versioned ? 'generation, version' : 'generation')})
        FROM ${unsafeRawSql(table)} ${unsafeRawSql(versioned ? 'FINAL' : '')} WHERE generation = toUInt64(${id}))`,
      { tag: 'bench' },
    )
    prints.push(`${table} ${row.rows} ${row.hash}`)
  }
  return prints
}

// the last run was incremental (otherwise one more incremental day)
if (env.BENCH_IDP_CHECK === '0') {
  process.stdout.write(`${JSON.stringify({ actions: shape.actions, facts: Number(facts), persons: shape.persons, timed, lateRuns })}\n`)
  await closeClickHouse()
  process.exit(0)
}
if (lateRuns.at(-1)?.mode !== 'incremental') await storeOktaDay(env.BENCH_IDP_DAYS + 1, `-${runTag}last`).then(() => maintainAttribution())
const current = (await readState())!.idp_generation
await buildIdpGeneration(1)
const [incremental, fromScratch] = [await fingerprint(current), await fingerprint(1)]
for (const table of IDP_TABLES) await command(sql`ALTER TABLE ${localTable(table)} DROP PARTITION 1`, { tag: 'bench' })
const same = JSON.stringify(incremental) === JSON.stringify(fromScratch)
log(`incremental generation ${same ? 'equals' : 'DIFFERS FROM'} the from-scratch one: ${incremental.join('; ')}`)
process.stdout.write(`${JSON.stringify({ actions: shape.actions, facts: Number(facts), persons: shape.persons, timed, lateRuns, same, fingerprint: incremental })}\n`)
await closeClickHouse()
if (!same) process.exit(1)
