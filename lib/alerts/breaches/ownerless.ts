import { factsCte, identitiesCte, subjectCtes, withCtes } from '@/lib/attribution'
import { sql } from '@/lib/clickhouse'
import { breachRows, type Breach, type RuleInput } from './breach'

/**
 * `ownerless_service_account`: every service account no person owns (identitiesCte's
 * `ownerless`), with 0 owners against the 1 it needs; `since` is the first event naming it.
 * An owner given later (a late IdP or inventory record) resolves the alert.
 */
export async function ownerlessServiceAccountBreaches(_input: RuleInput): Promise<Breach[]> {
  const rows = await breachRows(
    sql`${withCtes([factsCte, ...subjectCtes], [identitiesCte])}
      SELECT i.identity AS subject, 0 AS value, min(f.time) AS since
      FROM identities AS i
      INNER JOIN subjects AS s ON s.identity = i.identity
      INNER JOIN facts AS f ON f.source = s.source AND f.subject_id = s.subject_id
      WHERE i.ownerless
      GROUP BY i.identity`,
    'ownerless_service_account',
  )
  return rows.map((r) => ({ ...r, threshold: 1, since: new Date(r.since), link: `/attribution/${encodeURIComponent(r.subject)}` }))
}
