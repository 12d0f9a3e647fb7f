import { z } from 'zod'
import { query, sql, type SqlFragment } from '@/lib/clickhouse'
import { actionsCte } from '../actions'
import { withCtes, cte } from '../cte'
import { GROUP_COLUMNS, ROLLUP_LIFETIME_SECONDS, groupedActions } from '../hours'
import { localTable } from '@/lib/clickhouse/ddl'
import { ATTRIBUTION_COLUMNS, newVersion, run } from './tables'

const GROUP_KEY = sql`hour, identity, server, client_name, method, reason`

/** A version no row written before this call has and every row written after it does (the engine's clock). */
export async function versionNow(): Promise<number> {
  const rows = await query<unknown>(sql`SELECT toUnixTimestamp64Micro(now64(6)) AS v`, { tag: 'attribution:version-now' })
  return z.object({ v: z.coerce.number() }).parse(rows[0]).v
}

/**
 * Recomputes the attributed_hours rows of every hour in which an action was written at or
 * after `since` (a versionNow() taken before the writes), from attributed_actions FINAL, and
 * writes them with a newer version; a group of such an hour that has no actions any more is
 * written with actions = 0. Idempotent: a repeat writes the same answer again, the newest
 * version wins. A crash before it is repaired by the next run, which rewrites the same actions.
 * With `counted`, only the hours whose actions now read differently (changedHours). Actions
 * written at or after `flipped` (refreshDeprovisionFlags: only flags that flip) move their
 * groups' `after_deprovision` counts instead, outside the recounted hours (shiftDeprovisionCounts).
 */
export async function refreshHours(since: number, counted?: number, flipped?: number): Promise<void> {
  const hours = counted === undefined ? await touchedHours(since) : await changedHours(since, counted, flipped)
  await recountHours(hours)
  if (flipped !== undefined) await shiftDeprovisionCounts(flipped, hours)
}

/** Recomputes the rollup rows of `hours` (in order) from attributed_actions FINAL. */
async function recountHours(hours: Date[]): Promise<void> {
  if (hours.length === 0) return
  const seconds = hours.map((h) => h.getTime() / 1000)
  const touched = sql`toUnixTimestamp(toStartOfHour(time)) IN ${seconds}`
  const ctes = [
    cte(
      'attribution',
      sql`SELECT * FROM attributed_actions FINAL
        WHERE time >= ${hours[0]} AND time < ${endOf(hours)} AND ${touched}`,
    ),
    actionsCte(ROLLUP_LIFETIME_SECONDS),
    cte('fresh', groupedActions(sql`toStartOfHour(time) AS hour,`), { materialized: true }),
  ]
  await run(
    sql`INSERT INTO attributed_hours (hour, ${GROUP_COLUMNS}, lifetime_seconds, version)
      ${withCtes(ctes)}
      SELECT hour, ${GROUP_COLUMNS}, ${ROLLUP_LIFETIME_SECONDS}, ${newVersion} FROM fresh
      UNION ALL
      SELECT o.hour, o.identity, o.server, o.client_name, o.method, o.reason, 0, 0, 0, 0, 0,
        emptyArrayString(), emptyArrayString(), o.hour, o.hour, ${ROLLUP_LIFETIME_SECONDS}, ${newVersion}
      FROM (SELECT ${GROUP_KEY} FROM attributed_hours FINAL WHERE toUnixTimestamp(hour) IN ${seconds} AND actions > 0) AS o
      LEFT ANTI JOIN fresh AS f USING (hour, identity, server, client_name, method, reason)`,
    'hours',
  )
  await mergeDays('attributed_hours', hours)
}

/**
 * The hours in which refreshDeprovisionFlags flipped flags (actions written at or after `flipped`)
 * and that were not `recounted`: each group's rollup row is written again with `after_deprovision`
 * moved by the flags flipped in it, and the hour's other actions are not read (a late deprovision
 * flips actions across the month; recounting every hour read every action with FINAL). Exact
 * because the rollup counted each flipped action's previous version: a flip is only written where
 * the action is not re-attributed by the same run, and the hours holding versions no rollup counted
 * (a run killed before its rollup) are among the recounted ones (changedHours).
 */
async function shiftDeprovisionCounts(flipped: number, recounted: Date[]): Promise<void> {
  const skip = new Set(recounted.map((h) => h.getTime()))
  const hours = (await touchedHours(flipped)).filter((h) => !skip.has(h.getTime()))
  if (hours.length === 0) return
  const seconds = hours.map((h) => h.getTime() / 1000)
  await run(
    sql`INSERT INTO attributed_hours (hour, ${GROUP_COLUMNS}, lifetime_seconds, version)
      SELECT h.hour, h.identity, h.server, h.client_name, h.method, h.reason, h.actions, h.after_expiry, h.after_revocation,
        toUInt64(toInt64(h.after_deprovision) + f.shift), h.conflict, h.tools, h.unissued, h.first_action, h.last_action,
        h.lifetime_seconds, ${newVersion}
      FROM (SELECT * FROM attributed_hours FINAL WHERE toUnixTimestamp(hour) IN ${seconds} AND actions > 0) AS h
      INNER JOIN (
        SELECT toStartOfHour(time) AS hour, identity, server, client_name, method, reason, sum(if(after_deprovision = 1, 1, -1)) AS shift
        FROM attributed_actions
        WHERE version >= ${flipped} AND toUnixTimestamp(toStartOfHour(time)) IN ${seconds}
        GROUP BY ${GROUP_KEY}
      ) AS f USING (hour, identity, server, client_name, method, reason)`,
    'hours-deprovision',
  )
  await mergeDays('attributed_hours', hours)
}

/**
 * Recomputes the request_hours rows of every hour a gateway request matching `stored` (new
 * ones: a condition on ingested_at, read through its minmax index) falls in, from every
 * stored request of those hours.
 */
export async function refreshRequestHours(stored: SqlFragment): Promise<void> {
  const rows = await query<unknown>(
    sql`SELECT DISTINCT toUnixTimestamp(toStartOfHour(time)) AS hour FROM gateway_requests WHERE ${stored} ORDER BY hour`,
    { tag: 'attribution:request-hours' },
  )
  const hours = hourList.parse(rows).map((r) => new Date(r.hour * 1000))
  if (hours.length === 0) return
  await run(
    sql`INSERT INTO request_hours (hour, source, events, first_event, last_event, version)
      SELECT toStartOfHour(time) AS hour, source, uniqExact(event_id, time), min(time), max(time), ${newVersion}
      FROM gateway_requests
      WHERE time >= ${hours[0]} AND time < ${endOf(hours)} AND toUnixTimestamp(toStartOfHour(time)) IN ${hours.map((h) => h.getTime() / 1000)}
      GROUP BY hour, source`,
    'request-hours',
  )
  await mergeDays('request_hours', hours)
}

/**
 * Merges each touched day's partition of `table` into one part, so reports read it with FINAL for free
 * (a partition of one merged part needs no merge at read time); a day is a few thousand rows.
 */
async function mergeDays(table: 'attributed_hours' | 'request_hours', hours: Date[]): Promise<void> {
  const days = [...new Set(hours.map((h) => h.toISOString().slice(0, 10).replaceAll('-', '')))]
  for (const day of days) {
    await run(sql`OPTIMIZE TABLE ${localTable(table)} PARTITION ID ${day} FINAL`, 'merge-hours', { optimize_skip_merged_partitions: 1 })
  }
}

/** The hours in which an action was written at or after `since`, in order. */
async function touchedHours(since: number): Promise<Date[]> {
  return hoursOf(sql`SELECT DISTINCT toUnixTimestamp(toStartOfHour(time)) AS hour FROM attributed_actions WHERE version >= ${since}`, 'touched-hours')
}

async function hoursOf(select: SqlFragment, step: string): Promise<Date[]> {
  const rows = await query<unknown>(sql`SELECT hour FROM (${select}) ORDER BY hour`, { tag: `attribution:${step}` })
  return hourList.parse(rows).map((r) => new Date(r.hour * 1000))
}

/**
 * The hours in which an action written at or after `since` (and before `flipped`) now reads
 * differently from what the rollup counted: its newest version up to `counted` (a completed run's
 * end: every version up to it was rolled up), or it has none there (new, or merged away: counted
 * again). A maintenance run re-attributes every action a changed credential or claim can reach,
 * and most come out as they were; their hours need no recount. Versions between `counted` and
 * `since` (a run that crashed before its rollup) are not what the rollup counted: their hours are
 * counted again, whether or not this run rewrote those actions.
 */
async function changedHours(since: number, counted: number, flipped?: number): Promise<Date[]> {
  const attribution = sql`toString(tuple(${ATTRIBUTION_COLUMNS}))`
  const compared = flipped === undefined ? sql`version >= ${since}` : sql`version >= ${since} AND version < ${flipped}`
  return hoursOf(
    sql`SELECT DISTINCT toUnixTimestamp(toStartOfHour(time)) AS hour FROM (
        SELECT time, argMaxIf(${attribution}, version, ${compared}) AS now,
          argMaxIf(${attribution}, version, version <= ${counted}) AS before, countIf(version <= ${counted}) AS rolled_up
        FROM attributed_actions
        WHERE (time, event_id) IN (SELECT time, event_id FROM attributed_actions WHERE ${compared})
        GROUP BY time, event_id
        HAVING rolled_up = 0 OR now != before
      )
      UNION DISTINCT
      SELECT DISTINCT toUnixTimestamp(toStartOfHour(time)) AS hour FROM attributed_actions WHERE version > ${counted} AND version < ${since}`,
    'changed-hours',
  )
}

const hourList = z.array(z.object({ hour: z.coerce.number() }))

function endOf(hours: Date[]): Date {
  return new Date(hours[hours.length - 1].getTime() + 3_600_000)
}

/** `custody reattribute` without a period starts the rollups over, as it does the actions. */
export async function truncateHours(): Promise<void> {
  await run(sql`TRUNCATE TABLE ${localTable('attributed_hours')}`, 'truncate-hours')
  await run(sql`TRUNCATE TABLE ${localTable('request_hours')}`, 'truncate-request-hours')
}
