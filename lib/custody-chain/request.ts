import { z } from 'zod'
import { inWindow } from '@/lib/attribution'
import { query, sql } from '@/lib/clickhouse'
import { isoFromClickHouse } from '@/lib/reports/common'
import type { ReportPeriod } from '@/lib/reports/run'

const requestRow = z.object({
  event_id: z.string(),
  source: z.string(),
  gateway: z.string(),
  time: isoFromClickHouse,
  method: z.string(),
  outcome: z.enum(['ok', 'error', 'denied']),
  agent_action: z.coerce.boolean(),
  server: z.string(),
  tool: z.string(),
  client: z.string(),
  session_id: z.string(),
  credential_id: z.string(),
  credential_type: z.string(),
  auth_scheme: z.string(),
  sub: z.string(),
  user: z.string(),
  token_client_id: z.string(),
  raw: z.string(),
})
/** A gateway request as stored: secrets were replaced by fingerprints before it was written. */
export type GatewayRecord = z.infer<typeof requestRow>

/**
 * The stored request `eventId` (the latest ingest of it, as FINAL would keep), or null.
 * The event_id bloom filter skips most granules; a period narrows the read to its range.
 */
export async function gatewayRecord(eventId: string, period?: ReportPeriod): Promise<GatewayRecord | null> {
  const rows = await query<unknown>(
    sql`SELECT event_id, toString(source) AS source, gateway, time, method, toString(outcome) AS outcome,
        is_action = 1 AND outcome != 'denied' AS agent_action, server, tool, client_name AS client, session_id,
        credential_id, credential_type, auth_scheme, jwt_sub AS sub, user_claim AS user, jwt_client_id AS token_client_id, raw
      FROM gateway_requests
      WHERE event_id = ${eventId} AND ${period ? inWindow(sql`time`, period) : sql`1`}
      ORDER BY ingested_at DESC
      LIMIT 1`,
    { tag: 'custody-chain:request' },
  )
  return rows.length === 0 ? null : requestRow.parse(rows[0])
}
