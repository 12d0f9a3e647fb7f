import { z } from 'zod'
import { sql } from '@/lib/clickhouse'
import { credentialGrantsCte, cte, factsCte, withCtes, type Cte } from '@/lib/attribution'
import { count, isoFromClickHouse, reportHeader, reportHeaderSchema, reportRow, type ReportOptions } from './common'
import type { ReportPeriod } from './run'

const clientRow = z.object({ client: z.string(), grants: count, last_grant: isoFromClickHouse })
const body = z.object({ clients: z.array(clientRow) })

export const offGatewayReportSchema = reportHeaderSchema('off-gateway').extend({
  clients: z.array(clientRow.extend({ last_grant: z.iso.datetime() })),
})
export type OffGatewayReport = z.infer<typeof offGatewayReportSchema>

/**
 * `off-gateway`: credentials an IdP issued in [from, to) to an agent client that no gateway
 * ever saw presented (any request, refused ones included) — tokens used around the gateway,
 * or never used. An agent client is an OAuth client some gateway has seen: as the token's
 * client id, or as the client of a credential presented there. Per client: grants (distinct
 * credentials) and the last grant's issue time; most grants first, then by client id.
 * Cost: the stored credential set (one row per credential) and the gateway's client ids, read
 * from the per_credential projection (db/clickhouse/0005) rather than from every request.
 */
export async function offGatewayReport(opts: ReportOptions): Promise<OffGatewayReport> {
  const generatedAt = opts.now ?? new Date()
  const row = await reportRow(
    sql`${withCtes(offGatewayGrantCtes(opts))},
      per_client AS (SELECT client, count() AS grants, max(issued) AS last_grant FROM off_gateway_grants GROUP BY client)
      SELECT CAST(arraySort(x -> (-x.2, x.1), groupArray((client, grants, last_grant))),
        'Array(Tuple(client String, grants UInt64, last_grant DateTime64(3, \\'UTC\\')))') AS clients
      FROM per_client`,
    body,
    'off-gateway',
  )
  return offGatewayReportSchema.parse({ ...reportHeader('off-gateway', opts, generatedAt), ...row })
}

/**
 * The grants the report counts, one row per credential, as `off_gateway_grants`: credentials an
 * IdP (not the key inventory) issued in the period to an agent client, that no gateway request
 * ever presented; with the client, issue time, and the grant's source and subject as logged.
 * The report groups them per client; the grants population lists them. Reads the stored
 * credential set (attribution_credentials: `presented` and the first grant, kept current by
 * lib/attribution/maintain) at the current generation, not every fact and request.
 */
export function offGatewayGrantCtes(period: ReportPeriod): Cte[] {
  return [credentialGrantsCte, ...offGatewayCtes(period)]
}

/** The same grants from every fact and request (the oracle the stored credential set is checked against). */
export function offGatewayGrantCtesFromScratch(period: ReportPeriod): Cte[] {
  const presented = cte('presented', sql`SELECT credential_id FROM gateway_requests WHERE credential_id != '' GROUP BY credential_id`, { materialized: true })
  const grants = cte(
    'credential_grants',
    sql`SELECT g.credential_id AS credential_id, p.credential_id != '' AS presented, g.first_grant.1 AS client,
        g.first_grant.2 AS grant_source, g.first_grant.3 AS grant_subject, g.issued AS issued
      FROM (
        SELECT credential_id, argMin((client_id, toString(source), subject_id), (time, client_id)) AS first_grant, min(coalesce(issued_at, time)) AS issued
        FROM facts
        WHERE kind = 'credential' AND source != 'keys' AND credential_id != '' AND client_id != ''
        GROUP BY credential_id
      ) AS g
      LEFT JOIN presented AS p ON p.credential_id = g.credential_id`,
    { materialized: true },
  )
  return [factsCte, presented, grants, ...offGatewayCtes(period)]
}

/**
 * Off-gateway's rule over `credential_grants` (a credential's first grant to a client, its
 * issue time, and whether a gateway presented it). An agent client is one a gateway saw as a
 * token's client id or as the client of a credential presented there.
 */
function offGatewayCtes(period: ReportPeriod): Cte[] {
  return [
    cte(
      'agent_clients',
      sql`SELECT jwt_client_id AS client FROM gateway_requests WHERE jwt_client_id != '' GROUP BY jwt_client_id
        UNION DISTINCT
        SELECT client FROM credential_grants WHERE presented = 1`,
    ),
    cte(
      'off_gateway_grants',
      sql`SELECT g.credential_id AS credential_id, g.client AS client, g.issued AS issued, g.grant_source AS source, g.grant_subject AS subject_id
        FROM credential_grants AS g
        INNER JOIN agent_clients AS a ON a.client = g.client
        WHERE g.issued >= ${period.from} AND g.issued < ${period.to} AND g.presented = 0`,
    ),
  ]
}
