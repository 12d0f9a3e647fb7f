import { maintainAttribution } from '@/lib/attribution'
import { command, sql } from '@/lib/clickhouse'
import { DEFAULT_THRESHOLDS, REPORTS } from '@/lib/reports'
import type { BenchShape } from './shape'
import { msTime, personId, u64, uuidOf } from './session-plan'

/** What a late IdP batch cost: stored, maintained, and the report that shows it. */
export type LateBatch = {
  facts: number
  identities: number
  maintainSeconds: number
  reportSeconds: number
  totalSeconds: number
  triggersBefore: number
  triggersAfter: number
}

const FACTS = 1000

/**
 * The late batch's facts (event ids `<prefix><i>`): for 5% of the people a deactivation inside
 * the period, and renames, 1,000 facts in all. Returns how many people it touches. `people`
 * (0–19) picks which twentieth of the people (every 20th from that one).
 */
export async function storeLateFacts(shape: BenchShape, prefix: string, people = 0): Promise<number> {
  const identities = Math.max(1, Math.round(shape.persons * 0.05))
  const windowMs = shape.to.getTime() - shape.from.getTime()
  await command(
    sql`INSERT INTO idp_events (event_id, fact_index, source, time, kind, vendor_event_type, subject_kind, subject_id, display_name, raw, run_id)
      SELECT ${uuidOf(sql`concat(${prefix}, toString(i))`)}, 0, 'okta',
        ${msTime(sql`${shape.from.getTime()} + toInt64(cityHash64(i, 91) % ${u64(windowMs)})`)},
        if(i < ${u64(identities)}, 'trigger', 'identity'), if(i < ${u64(identities)}, 'user.lifecycle.deactivate', 'user.account.update_profile'),
        'person', ${personId(sql`(i % ${u64(identities)}) * 20 + ${u64(people)}`)}, if(i < ${u64(identities)}, '', concat('Renamed ', toString(i))),
        '{"eventType":"late"}', 'bench-late'
      FROM (SELECT number AS i FROM numbers(${u64(FACTS)}))`,
    { tag: 'bench:late', timeoutSeconds: 3600 },
  )
  return identities
}

/**
 * A late IdP batch: 1,000 facts touching 5% of the people, arriving after every action was
 * attributed: for each person a deactivation inside the period (their later actions become
 * `after_deprovision`, their live credentials count in revocation latency) and renames. Timed
 * from the insert until revocation-latency, run next, reflects it (maintenance included).
 */
export async function lateIdpBatch(shape: BenchShape, log: (line: string) => void): Promise<LateBatch> {
  const opts = { from: shape.from, to: shape.to, thresholds: DEFAULT_THRESHOLDS, now: shape.to }
  const triggersBefore = (await REPORTS['revocation-latency'](opts)).triggers
  const started = process.hrtime.bigint()
  const identities = await storeLateFacts(shape, 'late-')
  const maintained = await maintainAttribution()
  const reportStarted = process.hrtime.bigint()
  const triggersAfter = (await REPORTS['revocation-latency'](opts)).triggers
  const done = process.hrtime.bigint()
  const result = {
    facts: FACTS,
    identities,
    maintainSeconds: maintained.seconds,
    reportSeconds: Number(done - reportStarted) / 1e9,
    totalSeconds: Number(done - started) / 1e9,
    triggersBefore,
    triggersAfter,
  }
  log(`late IdP batch: ${FACTS} facts, ${identities} people: maintained in ${result.maintainSeconds.toFixed(2)} s, reflected after ${result.totalSeconds.toFixed(2)} s (triggers ${triggersBefore} → ${triggersAfter})`)
  if (triggersAfter !== triggersBefore + identities) throw new Error(`late IdP batch: expected ${triggersBefore + identities} triggers, got ${triggersAfter}`)
  return result
}
