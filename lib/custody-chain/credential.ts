import { z } from 'zod'
import { credentialCtesFromScratch, withCtes } from '@/lib/attribution'
import { query, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { chFlag } from '@/lib/populations/flags'
import { isoFromClickHouse, REPORT_QUERY_SETTINGS } from '@/lib/reports/common'

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

const CREDENTIAL_COLUMNS = sql`c.credential_id AS credential_id, c.type AS type, ifNull(c.subject, '') AS subject,
  c.client_id AS client_id, c.issued_at AS issued_at, c.expires_at AS expires_at, c.revoked_at AS revoked_at,
  c.last_used_at AS last_used_at, c.known AS known, ifNull(cs.issuer_source, '') AS issuer_source`

/**
 * Credentials of the credential set (lib/attribution/credentials.ts, the reports' own) with the
 * source whose grant named the subject, as a relation to join on credential_id. Needs
 * credentials, credential_subjects.
 */
export const credentialFactsRelation = sql`(SELECT ${CREDENTIAL_COLUMNS} FROM credentials AS c
  LEFT JOIN credential_subjects AS cs ON cs.credential_id = c.credential_id)`

/** `alias.column AS prefix_column` for every column of CredentialFacts: to carry one beside other columns. */
export function prefixedCredentialColumns(alias: string, prefix: string): SqlFragment {
  if (!/^[a-z_]+$/.test(alias + prefix)) throw new Error('prefixedCredentialColumns: bad name')
  return sql`${unsafeRawSql(Object.keys(credentialRow.shape).map((k) => `${alias}.${k} AS ${prefix}${k}`).join(', '))}`
}

/** The CredentialFacts a row carries under `prefix` (see prefixedCredentialColumns), or null when it carries none. */
export function credentialFromRow(row: Record<string, unknown>, prefix: string): CredentialFacts | null {
  const picked = Object.fromEntries(Object.keys(credentialRow.shape).map((k) => [k, row[`${prefix}${k}`]]))
  return picked.credential_id ? credentialRow.parse(picked) : null
}

/** One credential, when no other query of the chain brought it. Cost: the credential set, built once per query. */
export async function credentialFacts(credentialId: string, lifetimeSeconds: number): Promise<CredentialFacts | null> {
  const rows = await query<Record<string, unknown>>(
    sql`${withCtes(credentialCtesFromScratch(lifetimeSeconds))}
      SELECT * FROM ${credentialFactsRelation} WHERE credential_id = ${credentialId} LIMIT 1`,
    { tag: 'custody-chain:credential', settings: REPORT_QUERY_SETTINGS },
  )
  return rows.length === 0 ? null : credentialFromRow(rows[0], '')
}
