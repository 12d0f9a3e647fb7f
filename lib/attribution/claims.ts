import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'

/**
 * Rule 2 lookups (metrics.md, Attribution): a validated `sub` equal to a user or client id an
 * IdP log names (the key inventory is not an IdP log), and a `user` claim equal,
 * case-insensitively, to a known person's e-mail or IdP login. The issuer is not compared:
 * facts do not record it. When one claim names several identities (the same id in two IdPs)
 * the smallest key wins, so the answer never depends on ingest order. Needs facts, subjects.
 */
export const subClaimsCte: Cte = cte(
  'sub_claims',
  sql`SELECT subject_id AS claim, min(identity) AS identity
    FROM subjects
    WHERE source != 'keys'
    GROUP BY subject_id`,
  { materialized: true },
)

export const userClaimsCte: Cte = cte(
  'user_claims',
  sql`SELECT claim, min(identity) AS identity
    FROM (
      SELECT email AS claim, identity FROM subjects WHERE kind = 'person' AND email != ''
      UNION ALL
      SELECT lower(f.login) AS claim, s.identity AS identity
      FROM facts AS f
      INNER JOIN subjects AS s ON s.source = f.source AND s.subject_id = f.subject_id
      WHERE f.login != '' AND s.kind = 'person'
    )
    GROUP BY claim`,
  { materialized: true },
)
