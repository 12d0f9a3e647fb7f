import { z } from 'zod'
import { attributedActionCtesFromScratch, withCtes } from '@/lib/attribution'
import { query, sql } from '@/lib/clickhouse'
import { chFlag } from '@/lib/populations/flags'
import { isoFromClickHouse, REPORT_QUERY_SETTINGS } from '@/lib/reports/common'
import { credentialFactsRelation, credentialFromRow, prefixedCredentialColumns, type CredentialFacts } from './credential'

const time = isoFromClickHouse.nullable()

const decisionRow = z.object({
  identity: z.string(),
  method: z.enum(['credential', 'subject_claim', 'session', '']),
  reason: z.enum(['no_credential', 'unknown_credential', 'unmapped_subject', '']),
  after_expiry: chFlag,
  after_revocation: chFlag,
  after_deprovision: chFlag,
  conflict: chFlag,
  credential_identity: z.string(),
  sub_identity: z.string(),
  user_identity: z.string(),
  kind: z.string(),
  display_name: z.string().nullable(),
  owner: z.string().nullable(),
  ownerless: chFlag,
  first_trigger: time,
})
/** How the reports attributed one action, with what each rule found. */
export type Decision = z.infer<typeof decisionRow>

/**
 * The reports' attribution of one agent action (lib/attribution, unchanged): the whole rule
 * chain runs for the one millisecond of the action, so its answer is the one every report
 * gives, and the intermediate findings (rule 1's subject, rule 2's `sub` and `user` matches)
 * come from the same joins, and the credential it presented from the same credential set.
 * Cost: the IdP side (materialized once) and one request.
 */
export async function decisionFor(eventId: string, at: string, lifetimeSeconds: number): Promise<{ decision: Decision; presented: CredentialFacts | null } | null> {
  const instant = new Date(at)
  const rows = await query<Record<string, unknown>>(
    sql`${withCtes(attributedActionCtesFromScratch({ from: instant, to: instant, through: true }, lifetimeSeconds))}
      SELECT a.identity AS identity, a.method AS method, a.reason AS reason, a.after_expiry AS after_expiry,
        a.after_revocation AS after_revocation, a.after_deprovision AS after_deprovision, a.conflict AS conflict,
        d.credential_identity AS credential_identity, sc.identity AS sub_identity, uc.identity AS user_identity,
        ifNull(i.kind, '') AS kind, i.display_name AS display_name, i.owner AS owner, ifNull(i.ownerless, 0) AS ownerless,
        ft.first_trigger AS first_trigger, ${prefixedCredentialColumns('pc', 'presented_')}
      FROM actions AS a
      INNER JOIN direct AS d ON d.event_id = a.event_id
      LEFT JOIN sub_claims AS sc ON sc.claim = d.jwt_sub
      LEFT JOIN user_claims AS uc ON uc.claim = lower(d.user_claim)
      LEFT JOIN identities AS i ON i.identity = a.identity
      LEFT JOIN first_triggers AS ft ON ft.identity = a.identity
      LEFT JOIN ${credentialFactsRelation} AS pc ON pc.credential_id = a.credential_id
      WHERE a.event_id = ${eventId}
      LIMIT 1`,
    { tag: 'custody-chain:decision', settings: REPORT_QUERY_SETTINGS },
  )
  return rows.length === 0 ? null : { decision: decisionRow.parse(rows[0]), presented: credentialFromRow(rows[0], 'presented_') }
}
