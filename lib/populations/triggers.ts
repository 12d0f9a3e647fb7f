import { z } from 'zod'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { attributedActionCtes, withCtes } from '@/lib/attribution'
import { sql, type SqlFragment } from '@/lib/clickhouse'
import { isoFromClickHouse } from '@/lib/reports/common'
import { triggerOutcomeCtes } from '@/lib/reports/revocation-latency'
import type { ReportPeriod } from '@/lib/reports/run'
import { booleanParam, parseParams, type SearchParams } from '@/lib/reports/search-params'
import type { Thresholds } from '@/lib/reports/thresholds'
import { chFlag } from './flags'
import { populationThresholds } from './thresholds'
import { pageQuery, readAll, readPage, type PageRequest, type Population, type PopulationPage, type PopulationRows, type PopulationSource } from './population'

/** The triggers population's filters: each one's row count is a `revocation-latency` number. */
export const triggerFiltersSchema = z.object({
  identity: z.string().max(512, 'identity is longer than 512 characters').optional(),
  unresolved: booleanParam('unresolved'),
  with_live_credentials: booleanParam('with_live_credentials'),
  within_sla: booleanParam('within_sla'),
})
export type TriggerFilters = z.infer<typeof triggerFiltersSchema>

export function parseTriggerQuery(params: SearchParams): { filters: TriggerFilters; page: PageRequest } {
  const { after, page: number, per, ...filters } = parseParams(triggerFiltersSchema.extend(pageQuery.shape), params)
  return { filters, page: { after, page: number, per } }
}

const triggerRow = z.object({
  identity: z.string(),
  trigger: z.string(),
  time: isoFromClickHouse,
  source: z.string(),
  live_credentials: z.coerce.number(),
  closed_at: isoFromClickHouse.nullable(),
  latency_seconds: z.number().nullable(),
  unresolved: chFlag,
  post_trigger_actions: z.coerce.number(),
  event_id: z.string(),
  fact_index: z.coerce.number(),
})
/**
 * A deprovisioning trigger of the period: `trigger` is the vendor's event type; `closed_at`
 * when its last live credential closed (the trigger's own time when it had none), null while
 * unresolved, as `latency_seconds` is; `event_id` and `fact_index` name the IdP record.
 */
export type TriggerRow = z.infer<typeof triggerRow>

export const triggersPopulation: Population<TriggerRow> = {
  name: 'triggers',
  columns: ['identity', 'trigger', 'time', 'source', 'live_credentials', 'closed_at', 'latency_seconds', 'unresolved', 'post_trigger_actions'],
  key: [
    { name: 'time', type: 'time' },
    { name: 'event_id', type: 'string' },
    { name: 'fact_index', type: 'count' },
  ],
  row: triggerRow,
}

/**
 * One page of the `revocation-latency` population (triggers at T in the period), oldest
 * first, with the count of all matching: no filter = `triggers`, `unresolved=true` =
 * `unresolved`, `with_live_credentials=true` = `with_live_credentials`, `within_sla=true` =
 * `within_sla`. `identity` gives one person's or service account's triggers. Judged as the
 * report judges them (triggerOutcomeCtes) at `now`, its generated_at; `post_trigger_actions`
 * counts this trigger's identity's actions after T up to `now`.
 */
export async function triggersPage(actor: Actor, period: ReportPeriod, filters: TriggerFilters, page: PageRequest, now: Date = new Date()): Promise<PopulationPage<TriggerRow>> {
  requirePermission(actor, 'reports:read')
  return readPage(triggersPopulation, await triggerSource(period, filters, now), page)
}

/** Every matching trigger, streamed in the same order (the CSV). */
export async function allTriggers(actor: Actor, period: ReportPeriod, filters: TriggerFilters, now: Date = new Date()): Promise<PopulationRows<TriggerRow>> {
  requirePermission(actor, 'reports:read')
  return readAll(triggersPopulation, await triggerSource(period, filters, now))
}

/** The period's triggers matching `filters`, judged at `now`, as a population query (the pages, the CSV, samples). */
export async function triggerSource(period: ReportPeriod, filters: TriggerFilters, now: Date, inForce?: Promise<Thresholds>): Promise<PopulationSource> {
  const t = await populationThresholds(inForce)
  // as the report: post-trigger actions run to generated_at, so attribution reaches it
  const scope = { from: period.from, to: new Date(Math.max(period.to.getTime(), now.getTime())), through: true }
  return {
    with: sql`${withCtes(attributedActionCtes(scope, t.default_token_lifetime_seconds), triggerOutcomeCtes(period, t, now))},
      trigger_actions AS (
        SELECT p.event_id AS event_id, p.fact_index AS fact_index, count() AS actions
        FROM actions AS a
        INNER JOIN period_triggers AS p ON p.identity = a.identity
        WHERE a.time > p.time AND a.time <= ${now}
        GROUP BY p.event_id, p.fact_index
      ),
      population AS (
        SELECT o.identity AS identity, o.vendor_event_type AS trigger, o.time AS time, o.source AS source,
          o.live AS live_credentials, if(o.unresolved, NULL, addMilliseconds(o.time, toInt64(round(o.latency * 1000)))) AS closed_at,
          o.latency AS latency_seconds, o.unresolved AS unresolved, ifNull(ta.actions, 0) AS post_trigger_actions,
          o.within_sla AS within_sla, o.event_id AS event_id, o.fact_index AS fact_index
        FROM trigger_outcomes AS o
        LEFT JOIN trigger_actions AS ta ON ta.event_id = o.event_id AND ta.fact_index = o.fact_index
      )`,
    where: triggerConditions(filters),
  }
}

function triggerConditions(f: TriggerFilters): SqlFragment[] {
  return [
    f.identity !== undefined ? sql`identity = ${f.identity}` : null,
    f.unresolved !== undefined ? sql`unresolved = ${f.unresolved}` : null,
    f.with_live_credentials !== undefined ? sql`(live_credentials > 0) = ${f.with_live_credentials}` : null,
    f.within_sla !== undefined ? sql`within_sla = ${f.within_sla}` : null,
  ].filter((c): c is SqlFragment => c !== null)
}
