import { z } from 'zod'
import { claimIdentity, credentialIdentity, directJoins, directRuleCtesFromScratch as directRuleCtes, withCtes } from '@/lib/attribution'
import { query, sql } from '@/lib/clickhouse'
import { isoFromClickHouse, REPORT_QUERY_SETTINGS } from '@/lib/reports/common'

const seedRow = z.object({
  event_id: z.string(),
  source: z.string(),
  time: isoFromClickHouse,
  method: z.string(),
  credential_id: z.string(),
  rule: z.enum(['credential', 'subject_claim']),
  raw: z.string(),
})
/** The earlier request of the session an action inherited its identity from. */
export type SessionSeed = z.infer<typeof seedRow>

/**
 * The seed of a session-inherited action (metrics.md, rule 3): the latest let-through request
 * of `sessionId` strictly before `before` that rule 1 or 2 attributes to `identity`, with the
 * rule that did. This is the seed attribution's tie-break picks (lib/attribution/session.ts:
 * the latest seed before the action); at one millisecond, the smallest event id is shown.
 * The session_id bloom filter keeps the read to the session's granules.
 */
export async function sessionSeed(sessionId: string, before: string, identity: string): Promise<SessionSeed | null> {
  const rows = await query<unknown>(
    sql`${withCtes(directRuleCtes)}
      SELECT r.event_id AS event_id, r.source AS source, r.time AS time, r.method AS method, r.credential_id AS credential_id,
        if(${credentialIdentity} != '', 'credential', 'subject_claim') AS rule, r.raw AS raw
      FROM (
        SELECT event_id, toString(source) AS source, time, method, credential_id, jwt_sub, user_claim, raw
        FROM gateway_requests
        WHERE session_id = ${sessionId} AND time < ${new Date(before)} AND outcome != 'denied'
        ORDER BY ingested_at DESC
        LIMIT 1 BY event_id
      ) AS r
      ${directJoins('credential_subjects')}
      WHERE if(${credentialIdentity} != '', ${credentialIdentity}, ${claimIdentity}) = ${identity}
      ORDER BY r.time DESC, r.event_id
      LIMIT 1`,
    { tag: 'custody-chain:seed', settings: REPORT_QUERY_SETTINGS },
  )
  return rows.length === 0 ? null : seedRow.parse(rows[0])
}
