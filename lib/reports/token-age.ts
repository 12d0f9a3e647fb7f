import { z } from 'zod'
import { sql } from '@/lib/clickhouse'
import { actionGroupsCtes, credentialCtes, cte, withCtes, type Cte } from '@/lib/attribution'
import { count, nearestRank, reportHeader, reportHeaderSchema, reportRow, type ReportOptions } from './common'
import type { ReportPeriod } from './run'
import type { Thresholds } from './thresholds'

const days = z.number().nullable()

const row = z.object({
  credentials: count,
  by_type: z.object({ oauth_access: count, oauth_refresh: count, api_key: count, pat: count, service_token: count }),
  no_expiry: count,
  over_max_age: count,
  age_days: z.object({ p50: days, p95: days, max: days }),
  up_to_1: count,
  up_to_7: count,
  up_to_30: count,
  up_to_90: count,
  up_to_365: count,
  over_365: count,
  unknown_issue_time: count,
})

const body = z.object({
  credentials: count,
  by_type: row.shape.by_type,
  no_expiry: count,
  over_max_age: count,
  age_days: row.shape.age_days,
  buckets: z.object({ '<=1': count, '<=7': count, '<=30': count, '<=90': count, '<=365': count, '>365': count }),
  unknown_issue_time: count,
})

export const tokenAgeReportSchema = reportHeaderSchema('token-age').extend(body.shape)
export type TokenAgeReport = z.infer<typeof tokenAgeReportSchema>

/** The age buckets of `token-age` (metrics.md): disjoint bins by age in days. */
export const AGE_BUCKETS = ['<=1', '<=7', '<=30', '<=90', '<=365', '>365'] as const
export type AgeBucket = (typeof AGE_BUCKETS)[number]

/**
 * The credential set rated for a period, as `rated`: every column of `credentials` plus
 * `live` (a member of the token-age population: live at some instant of [from, to) with a
 * known issue time), `age` in days = min(to, expires_at, revoked_at) - issued_at, `max_age`
 * of its type, `over_max_age` (strictly greater) and its age `bucket`. The report counts it;
 * the credentials population lists it. Needs credentials.
 */
export function ratedCredentialsCte(period: ReportPeriod, t: Thresholds): Cte {
  return cte(
    'rated',
    sql`SELECT *,
        issued_at IS NOT NULL AND issued_at < ${period.to} AND (expires_at IS NULL OR expires_at > ${period.from})
          AND (revoked_at IS NULL OR revoked_at > ${period.from}) AS live,
        dateDiff('millisecond', issued_at, least(${period.to}, ifNull(expires_at, ${period.to}), ifNull(revoked_at, ${period.to}))) / 86400000 AS age,
        multiIf(type = 'oauth_access', ${t.max_age_days.oauth_access}, type = 'oauth_refresh', ${t.max_age_days.oauth_refresh},
                type = 'api_key', ${t.max_age_days.api_key}, type = 'pat', ${t.max_age_days.pat},
                type = 'service_token', ${t.max_age_days.service_token}, inf) AS max_age,
        age > max_age AS over_max_age,
        multiIf(age <= 1, '<=1', age <= 7, '<=7', age <= 30, '<=30', age <= 90, '<=90', age <= 365, '<=365', '>365') AS bucket
      FROM credentials`,
  )
}

/**
 * `token-age` (metrics.md): credentials live at some instant of [from, to), their age in days
 * = min(to, expires_at, revoked_at) - issued_at, against each type's maximum. A credential
 * an action of the period presented with no known issue time counts as `unknown_issue_time`.
 * Every type is listed in `by_type`, 0 when absent. Cost: the stored credential set (all time:
 * a token issued before the period may be live in it), and the period's action groups
 * (actionGroupsCtes), which carry the presented credentials with no known issue time.
 */
export async function tokenAgeReport(opts: ReportOptions): Promise<TokenAgeReport> {
  const generatedAt = opts.now ?? new Date()
  const t = opts.thresholds
  const period = { from: opts.from, to: opts.to }
  const result = await reportRow(
    sql`${withCtes(credentialCtes(t.default_token_lifetime_seconds), [ratedCredentialsCte(period, t)], actionGroupsCtes(period, t.default_token_lifetime_seconds))},
      tallies AS (
        SELECT countIf(live) AS members,
          countIf(live AND type = 'oauth_access') AS oauth_access, countIf(live AND type = 'oauth_refresh') AS oauth_refresh,
          countIf(live AND type = 'api_key') AS api_key, countIf(live AND type = 'pat') AS pat,
          countIf(live AND type = 'service_token') AS service_token,
          countIf(live AND expires_at IS NULL) AS no_expiry, countIf(live AND over_max_age) AS over_max_age,
          arraySort(groupArrayIf(assumeNotNull(age), live)) AS sorted,
          countIf(live AND bucket = '<=1') AS up_to_1, countIf(live AND bucket = '<=7') AS up_to_7,
          countIf(live AND bucket = '<=30') AS up_to_30, countIf(live AND bucket = '<=90') AS up_to_90,
          countIf(live AND bucket = '<=365') AS up_to_365, countIf(live AND bucket = '>365') AS over_365
        FROM rated
      ),
      unknown_issue AS (SELECT uniqExactArray(unissued) AS unknown_issue_time FROM action_groups)
      SELECT members AS credentials,
        CAST((oauth_access, oauth_refresh, api_key, pat, service_token),
          'Tuple(oauth_access UInt64, oauth_refresh UInt64, api_key UInt64, pat UInt64, service_token UInt64)') AS by_type,
        no_expiry, over_max_age,
        CAST((${nearestRank(sql`sorted`, 50)}, ${nearestRank(sql`sorted`, 95)}, if(empty(sorted), NULL, arrayMax(sorted))),
          'Tuple(p50 Nullable(Float64), p95 Nullable(Float64), max Nullable(Float64))') AS age_days,
        up_to_1, up_to_7, up_to_30, up_to_90, up_to_365, over_365, unknown_issue_time
      FROM tallies CROSS JOIN unknown_issue`,
    row,
    'token-age',
  )
  const { up_to_1, up_to_7, up_to_30, up_to_90, up_to_365, over_365, ...rest } = result
  const bucketCounts = { '<=1': up_to_1, '<=7': up_to_7, '<=30': up_to_30, '<=90': up_to_90, '<=365': up_to_365, '>365': over_365 }
  return tokenAgeReportSchema.parse({ ...reportHeader('token-age', opts, generatedAt), ...rest, buckets: bucketCounts })
}
