import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'

/**
 * One row per identity: `kind`, `display_name` (the latest a source gives; for `svc:<name>`
 * the name; null when no source gives one) and, for a service account, `owner`: a person's
 * identity key (an owner given as an e-mail is that person; one given as a user id of the
 * same source resolves through `subjects`), null when ownerless. Needs facts, subjects.
 */
export const identitiesCte: Cte = cte(
  'identities',
  sql`SELECT i.identity AS identity, i.kind AS kind,
      if(startsWith(i.identity, 'svc:'), substring(i.identity, 5), nullIf(i.named, '')) AS display_name,
      multiIf(i.kind != 'service' OR i.owner_ref.2 = '', CAST(NULL AS Nullable(String)),
              position(i.owner_ref.2, '@') > 0, lower(i.owner_ref.2),
              o.identity != '', o.identity,
              concat(i.owner_ref.1, ':', i.owner_ref.2)) AS owner,
      i.kind = 'service' AND owner IS NULL AS ownerless
    FROM (
      SELECT s.identity AS identity, any(s.kind) AS kind,
        argMaxIf(f.display_name, (f.time, f.display_name), f.display_name != '') AS named,
        argMaxIf((toString(f.source), f.owner), (f.time, f.owner), f.owner != '') AS owner_ref
      FROM facts AS f
      INNER JOIN subjects AS s ON s.source = f.source AND s.subject_id = f.subject_id
      GROUP BY s.identity
    ) AS i
    LEFT JOIN subjects AS o ON o.source = i.owner_ref.1 AND o.subject_id = i.owner_ref.2`,
)

