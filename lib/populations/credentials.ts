import { z } from 'zod'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { credentialCtes, withCtes } from '@/lib/attribution'
import { sql, type SqlFragment } from '@/lib/clickhouse'
import { isoFromClickHouse } from '@/lib/reports/common'
import type { ReportPeriod } from '@/lib/reports/run'
import { booleanParam, parseParams, type SearchParams } from '@/lib/reports/search-params'
import { AGE_BUCKETS, ratedCredentialsCte } from '@/lib/reports/token-age'
import type { Thresholds } from '@/lib/reports/thresholds'
import { chFlag } from './flags'
import { populationThresholds } from './thresholds'
import { pageQuery, readAll, readPage, type PageRequest, type Population, type PopulationPage, type PopulationRows, type PopulationSource } from './population'

const CREDENTIAL_TYPES = ['oauth_access', 'oauth_refresh', 'api_key', 'pat', 'service_token'] as const
/** The credentials population's filters: each one's row count is a `token-age` number. */
export const credentialFiltersSchema = z.object({
  identity: z.string().max(512, 'identity is longer than 512 characters').optional(),
  type: z.enum(CREDENTIAL_TYPES, { message: `type must be one of ${CREDENTIAL_TYPES.join(', ')}` }).optional(),
  bucket: z.enum(AGE_BUCKETS, { message: `bucket must be one of ${AGE_BUCKETS.join(', ')}` }).optional(),
  over_max_age: booleanParam('over_max_age'),
  no_expiry: booleanParam('no_expiry'),
})
export type CredentialFilters = z.infer<typeof credentialFiltersSchema>

export function parseCredentialQuery(params: SearchParams): { filters: CredentialFilters; page: PageRequest } {
  const { after, page: number, per, ...filters } = parseParams(credentialFiltersSchema.extend(pageQuery.shape), params)
  return { filters, page: { after, page: number, per } }
}

const time = isoFromClickHouse.nullable()
const credentialRow = z.object({
  credential_id: z.string(),
  type: z.string(),
  identity: z.string(),
  issued_at: isoFromClickHouse,
  expires_at: time,
  revoked_at: time,
  age_days: z.number(),
  over_max_age: chFlag,
  last_used_at: time,
  source: z.string(),
})
/** A credential live in the period: '' identity when no source names its subject; `source` is where its issue was logged ('gateway' when only a gateway saw it). */
export type CredentialRow = z.infer<typeof credentialRow>

export const credentialsPopulation: Population<CredentialRow> = {
  name: 'credentials',
  columns: Object.keys(credentialRow.shape),
  key: [
    { name: 'issued_at', type: 'time' },
    { name: 'credential_id', type: 'string' },
  ],
  row: credentialRow,
}

/**
 * One page of the `token-age` population (credentials live at some instant of the period with
 * a known issue time), oldest issue first, with the count of all matching: no filter =
 * `credentials`, `type=pat` = `by_type.pat`, `over_max_age=true` = `over_max_age`,
 * `no_expiry=true` = `no_expiry`, `bucket=<=7` = `buckets["<=7"]`. `identity` gives one
 * person's or service account's credentials. Same rating as the report (ratedCredentialsCte).
 */
export async function credentialsPage(actor: Actor, period: ReportPeriod, filters: CredentialFilters, page: PageRequest): Promise<PopulationPage<CredentialRow>> {
  requirePermission(actor, 'reports:read')
  return readPage(credentialsPopulation, await credentialSource(period, filters), page)
}

/** Every matching credential, streamed in the same order (the CSV). */
export async function allCredentials(actor: Actor, period: ReportPeriod, filters: CredentialFilters): Promise<PopulationRows<CredentialRow>> {
  requirePermission(actor, 'reports:read')
  return readAll(credentialsPopulation, await credentialSource(period, filters))
}

/** The period's live credentials matching `filters`, as a population query (the pages, the CSV, samples). */
export async function credentialSource(period: ReportPeriod, filters: CredentialFilters, inForce?: Promise<Thresholds>): Promise<PopulationSource> {
  const thresholds = await populationThresholds(inForce)
  return {
    with: sql`${withCtes(credentialCtes(thresholds.default_token_lifetime_seconds), [ratedCredentialsCte(period, thresholds)])},
      population AS (
        SELECT r.credential_id AS credential_id, r.type AS type, ifNull(r.subject, '') AS identity,
          assumeNotNull(r.issued_at) AS issued_at, r.expires_at AS expires_at, r.revoked_at AS revoked_at,
          r.age AS age_days, r.over_max_age AS over_max_age, r.last_used_at AS last_used_at,
          if(r.known, r.logged_by, 'gateway') AS source, r.bucket AS bucket
        FROM rated AS r
        WHERE r.live
      )`,
    where: credentialConditions(filters),
  }
}

function credentialConditions(f: CredentialFilters): SqlFragment[] {
  return [
    f.identity !== undefined ? sql`identity = ${f.identity}` : null,
    f.type ? sql`type = ${f.type}` : null,
    f.bucket ? sql`bucket = ${f.bucket}` : null,
    f.over_max_age !== undefined ? sql`over_max_age = ${f.over_max_age}` : null,
    f.no_expiry !== undefined ? (f.no_expiry ? sql`expires_at IS NULL` : sql`expires_at IS NOT NULL`) : null,
  ].filter((c): c is SqlFragment => c !== null)
}
