import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'

/**
 * Known credentials with a subject: credential_id → the identity it was issued to, and the
 * (source, subject_id) that issued it (a subject-wide revocation of that source reaches it).
 * A grant or inventory fact names the subject; a revocation that names one counts only when
 * no grant does. Ties go to the earliest fact, then the smallest key, so any ingest order
 * gives the same answer. Built from the IdP side only: cheap enough to re-run per join.
 */
export const credentialSubjectsCte: Cte = cte(
  'credential_subjects',
  sql`SELECT f.credential_id AS credential_id,
      argMin((s.identity, toString(f.source), f.subject_id), (f.kind != 'credential', f.time, s.identity)) AS issuer,
      issuer.1 AS identity, issuer.2 AS issuer_source, issuer.3 AS issuer_subject
    FROM facts AS f
    INNER JOIN subjects AS s ON s.source = f.source AND s.subject_id = f.subject_id
    WHERE f.credential_id != '' AND f.kind IN ('credential', 'revocation')
    GROUP BY f.credential_id`,
  { materialized: true },
)

/** Subject-wide revocations, per (source, subject_id): every time one was logged. */
export const subjectRevocationsCte: Cte = cte(
  'subject_revocations',
  sql`SELECT source, subject_id, groupArray(time) AS times
    FROM facts
    WHERE kind = 'subject_revocation' AND subject_id != ''
    GROUP BY source, subject_id`,
  { materialized: true },
)
