import { z } from 'zod'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { attributedActionCtes, withCtes } from '@/lib/attribution'
import { sql, type SqlFragment } from '@/lib/clickhouse'
import { isoFromClickHouse } from '@/lib/reports/common'
import { identityReachCte, periodTriggersCte } from '@/lib/reports/revocation-latency'
import type { ReportPeriod } from '@/lib/reports/run'
import { parseParams, type SearchParams } from '@/lib/reports/search-params'
import type { Thresholds } from '@/lib/reports/thresholds'
import { ACTION_FLAGS, chFlag, type ActionFlag } from './flags'
import { populationThresholds } from './thresholds'
import { pageQuery, readAll, readPage, type PageRequest, type Population, type PopulationPage, type PopulationRows, type PopulationSource } from './population'

const METHODS = ['credential', 'subject_claim', 'session'] as const
const REASONS = ['no_credential', 'unknown_credential', 'unmapped_subject'] as const

const text = (field: string) => z.string().max(512, `${field} is longer than 512 characters`).optional()

/**
 * The actions population's filters (dashboard.md). `reason=unattributed` is every unattributed
 * action whatever its reason; `flag=any` every action with at least one flag; `server=unknown` and `client=unknown` are actions without one,
 * as the report's `by_server` and `by_client` name them.
 */
export const actionFiltersSchema = z.object({
  identity: text('identity'),
  method: z.enum(METHODS, { message: `method must be one of ${METHODS.join(', ')}` }).optional(),
  reason: z.enum([...REASONS, 'unattributed'], { message: `reason must be one of ${[...REASONS, 'unattributed'].join(', ')}` }).optional(),
  flag: z.enum([...ACTION_FLAGS, 'any'], { message: `flag must be one of ${[...ACTION_FLAGS, 'any'].join(', ')}` }).optional(),
  server: text('server'),
  client: text('client'),
  credential: text('credential'),
  tool: text('tool'),
})
export type ActionFilters = z.infer<typeof actionFiltersSchema>

/** Filters and page position from a page's or route's query string; throws InvalidParameter. */
export function parseActionQuery(params: SearchParams): { filters: ActionFilters; page: PageRequest } {
  const { after, page: number, per, ...filters } = parseParams(actionFiltersSchema.extend(pageQuery.shape), params)
  return { filters, page: { after, page: number, per } }
}

const actionRow = z.object({
  event_id: z.string(),
  time: isoFromClickHouse,
  identity: z.string(),
  method: z.enum([...METHODS, '']),
  reason: z.enum([...REASONS, '']),
  credential_id: z.string(),
  credential_type: z.string(),
  server: z.string(),
  tool: z.string(),
  client: z.string(),
  session_id: z.string(),
  after_expiry: chFlag,
  after_revocation: chFlag,
  after_deprovision: chFlag,
  conflict: chFlag,
})
/** One agent action with its attribution; '' where metrics.md says none (no identity, no credential…). */
export type ActionRow = z.infer<typeof actionRow>

export const actionsPopulation: Population<ActionRow> = {
  name: 'actions',
  columns: Object.keys(actionRow.shape),
  key: [
    { name: 'time', type: 'time' },
    { name: 'event_id', type: 'string' },
  ],
  row: actionRow,
}

/**
 * One page of the period's agent actions matching `filters`, oldest first, with the number of
 * all matching actions. Attribution is the reports' own (lib/attribution: attributedActionCtes),
 * so the count of a filter is the report's number: no filter = `unattributed.total_actions`,
 * `reason=no_credential` = `by_reason.no_credential`, `server=billing&reason=unattributed` =
 * `by_server[billing].unattributed`, `identity=x&flag=conflict` = `attribution.identities[x].flagged.conflict`.
 * Cost: attributing every action of the period (see attributedActionCtes); the page itself is
 * a bounded heap, so later pages cost what the first does.
 */
export async function actionsPage(actor: Actor, period: ReportPeriod, filters: ActionFilters, page: PageRequest): Promise<PopulationPage<ActionRow>> {
  requirePermission(actor, 'reports:read')
  return readPage(actionsPopulation, await actionSource(period, filters), page)
}

/** Every matching action of the period, oldest first, streamed (the CSV). */
export async function allActions(actor: Actor, period: ReportPeriod, filters: ActionFilters): Promise<PopulationRows<ActionRow>> {
  requirePermission(actor, 'reports:read')
  return readAll(actionsPopulation, await actionSource(period, filters))
}

/** The period's agent actions matching `filters`, as a population query (the pages, the CSV, samples). */
export async function actionSource(period: ReportPeriod, filters: ActionFilters, inForce?: Promise<Thresholds>): Promise<PopulationSource> {
  const thresholds = await populationThresholds(inForce)
  return {
    with: sql`${withCtes(attributedActionCtes(period, thresholds.default_token_lifetime_seconds))},
      population AS (SELECT ${actionColumns} FROM actions AS a)`,
    where: actionConditions(filters),
  }
}

/**
 * The actions `revocation-latency.post_trigger_actions` counts, as a population query: those
 * attributed to an identity with a trigger in the period, after its first such trigger, up to
 * `now` (the report's generated_at), so attribution runs from `from` to the later of `to` and `now`.
 */
export async function postTriggerActionSource(period: ReportPeriod, now: Date, inForce?: Promise<Thresholds>): Promise<PopulationSource> {
  const thresholds = await populationThresholds(inForce)
  return {
    with: sql`${withCtes(attributedActionCtes(postTriggerScope(period, now), thresholds.default_token_lifetime_seconds), [periodTriggersCte(period), identityReachCte])},
      population AS (
        SELECT ${actionColumns} FROM actions AS a
        INNER JOIN identity_reach AS r ON r.identity = a.identity
        WHERE ${afterFirstTrigger(now)}
      )`,
    where: [],
  }
}

/**
 * The period's actions (actionSource) and the post-trigger actions (postTriggerActionSource) as one population
 * query, for a pack that lists both: every action from `from` through the later of `to` and `now`, with
 * `in_period` = 1 on those of the period and `post_trigger` = 1 on the post-trigger ones (the same join, kept
 * as a LEFT JOIN: `reached` is 1 only where the INNER JOIN finds the identity). Filter it by IN_PERIOD and an
 * action filter's conditions, or by POST_TRIGGER.
 */
export async function actionsAndPostTriggerSource(period: ReportPeriod, now: Date, inForce?: Promise<Thresholds>): Promise<PopulationSource> {
  const thresholds = await populationThresholds(inForce)
  return {
    with: sql`${withCtes(attributedActionCtes(postTriggerScope(period, now), thresholds.default_token_lifetime_seconds), [periodTriggersCte(period), identityReachCte])},
      population AS (
        SELECT ${actionColumns}, a.time < ${period.to} AS in_period, r.reached = 1 AND ${afterFirstTrigger(now)} AS post_trigger
        FROM actions AS a
        LEFT JOIN (SELECT identity, since, 1 AS reached FROM identity_reach) AS r ON r.identity = a.identity
      )`,
    where: [],
  }
}

export const IN_PERIOD = sql`in_period = 1`
export const POST_TRIGGER = sql`post_trigger = 1`

// A post-trigger action of `a`, joined to its identity's reach `r`: after the first trigger, up to `now`.
const afterFirstTrigger = (now: Date) => sql`a.time > r.since AND a.time <= ${now}`

// The post-trigger actions' reach: from the period's start through the later of its end and `now`.
const postTriggerScope = (period: ReportPeriod, now: Date) => ({ from: period.from, to: new Date(Math.max(period.to.getTime(), now.getTime())), through: true })

// The actions population's columns (and its key), from the attributed actions `a`.
const actionColumns = sql`a.event_id AS event_id, a.time AS time, a.identity AS identity, a.method AS method, a.reason AS reason,
  a.credential_id AS credential_id, a.credential_type AS credential_type, a.server AS server, a.tool AS tool,
  a.client_name AS client, a.session_id AS session_id, a.after_expiry AS after_expiry, a.after_revocation AS after_revocation,
  a.after_deprovision AS after_deprovision, a.conflict AS conflict`

const FLAG_CONDITIONS: Record<ActionFlag | 'any', SqlFragment> = {
  after_expiry: sql`after_expiry = 1`,
  after_revocation: sql`after_revocation = 1`,
  after_deprovision: sql`after_deprovision = 1`,
  conflict: sql`conflict = 1`,
  any: sql`(after_expiry = 1 OR after_revocation = 1 OR after_deprovision = 1 OR conflict = 1)`,
}

function actionConditions(f: ActionFilters): SqlFragment[] {
  return [
    f.identity !== undefined ? sql`identity = ${f.identity}` : null,
    f.method ? sql`method = ${f.method}` : null,
    f.reason === 'unattributed' ? sql`identity = ''` : f.reason ? sql`reason = ${f.reason}` : null,
    f.flag ? FLAG_CONDITIONS[f.flag] : null,
    // the report's by_server / by_client name a missing value 'unknown'
    f.server !== undefined ? sql`if(server = '', 'unknown', server) = ${f.server}` : null,
    f.client !== undefined ? sql`if(client = '', 'unknown', client) = ${f.client}` : null,
    f.credential !== undefined ? sql`credential_id = ${f.credential}` : null,
    f.tool !== undefined ? sql`tool = ${f.tool}` : null,
  ].filter((c): c is SqlFragment => c !== null)
}
