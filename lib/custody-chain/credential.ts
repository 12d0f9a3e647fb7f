import { z } from 'zod'
import { credentialCtes, withCtes } from '@/lib/attribution'
import { query, sql } from '@/lib/clickhouse'
import { chFlag } from '@/lib/populations/flags'
import { isoFromClickHouse } from '@/lib/reports/common'

const time = isoFromClickHouse.nullable()

const credentialRow = z.object({
  credential_id: z.string(),
  type: z.string(),
  subject: z.string(),
  client_id: z.string(),
  issued_at: time,
  expires_at: time,
  revoked_at: time,
  last_used_at: time,
  known: chFlag,
  issuer_source: z.string(),
})
/** A credential as the reports see it (metrics.md, Credential): what every source says, merged. */
export type CredentialFacts = z.infer<typeof credentialRow>

/**
 * One credential of the credential set (lib/attribution/credentials.ts, the reports' own), and
 * the source whose grant named its subject. Cost: the credential set, built once per query.
 */
export async function credentialFacts(credentialId: string, lifetimeSeconds: number): Promise<CredentialFacts | null> {
  const rows = await query<unknown>(
    sql`${withCtes(credentialCtes(lifetimeSeconds))}
      SELECT c.credential_id AS credential_id, c.type AS type, ifNull(c.subject, '') AS subject, c.client_id AS client_id,
        c.issued_at AS issued_at, c.expires_at AS expires_at, c.revoked_at AS revoked_at, c.last_used_at AS last_used_at,
        c.known AS known, ifNull(cs.issuer_source, '') AS issuer_source
      FROM credentials AS c
      LEFT JOIN credential_subjects AS cs ON cs.credential_id = c.credential_id
      WHERE c.credential_id = ${credentialId}
      LIMIT 1`,
    { tag: 'custody-chain:credential', settings: { enable_materialized_cte: 1 } },
  )
  return rows.length === 0 ? null : credentialRow.parse(rows[0])
}
