import { z } from 'zod'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { subjectCtes, withCtes } from '@/lib/attribution'
import { sql, type SqlFragment } from '@/lib/clickhouse'
import { isoFromClickHouse } from '@/lib/reports/common'
import { offGatewayGrantCtes } from '@/lib/reports/off-gateway'
import type { ReportPeriod } from '@/lib/reports/run'
import { parseParams, type SearchParams } from '@/lib/reports/search-params'
import { pageQuery, readAll, readPage, type PageRequest, type Population, type PopulationPage, type PopulationRows, type PopulationSource } from './population'

/** The off-gateway grants' filter: `client=<id>` counts that client's `grants` in the report. */
export const grantFiltersSchema = z.object({ client: z.string().max(512, 'client is longer than 512 characters').optional() })
export type GrantFilters = z.infer<typeof grantFiltersSchema>

export function parseGrantQuery(params: SearchParams): { filters: GrantFilters; page: PageRequest } {
  const { after, page: number, per, ...filters } = parseParams(grantFiltersSchema.extend(pageQuery.shape), params)
  return { filters, page: { after, page: number, per } }
}

const grantRow = z.object({
  credential_id: z.string(),
  client: z.string(),
  issued_at: isoFromClickHouse,
  identity: z.string(),
  source: z.string(),
})
/** A credential an IdP issued to an agent client that no gateway ever saw; `identity` '' when its subject is unknown. */
export type GrantRow = z.infer<typeof grantRow>

export const grantsPopulation: Population<GrantRow> = {
  name: 'off-gateway-grants',
  columns: Object.keys(grantRow.shape),
  key: [
    { name: 'issued_at', type: 'time' },
    { name: 'credential_id', type: 'string' },
  ],
  row: grantRow,
}

/**
 * One page of the `off-gateway` population (the report's own block, offGatewayGrantCtes),
 * oldest first, with the count of all matching: `client=<id>` = `clients[<id>].grants`.
 */
export async function grantsPage(actor: Actor, period: ReportPeriod, filters: GrantFilters, page: PageRequest): Promise<PopulationPage<GrantRow>> {
  requirePermission(actor, 'reports:read')
  return readPage(grantsPopulation, grantSource(period, filters), page)
}

/** Every matching grant, streamed in the same order (the CSV). */
export async function allGrants(actor: Actor, period: ReportPeriod, filters: GrantFilters): Promise<PopulationRows<GrantRow>> {
  requirePermission(actor, 'reports:read')
  return readAll(grantsPopulation, grantSource(period, filters))
}

/** The period's off-gateway grants matching `filters`, as a population query (the pages, the CSV, packs). */
export function grantSource(period: ReportPeriod, filters: GrantFilters): PopulationSource {
  return {
    with: sql`${withCtes(subjectCtes, offGatewayGrantCtes(period))},
      population AS (
        SELECT g.credential_id AS credential_id, g.client AS client, g.issued AS issued_at, s.identity AS identity, g.source AS source
        FROM off_gateway_grants AS g
        LEFT JOIN subjects AS s ON s.source = g.source AND s.subject_id = g.subject_id
      )`,
    where: [filters.client !== undefined ? sql`client = ${filters.client}` : null].filter((c): c is SqlFragment => c !== null),
  }
}
