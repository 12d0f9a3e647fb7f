import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'

/**
 * Every subject a source names, (source, subject_id), resolved to an identity key
 * (metrics.md, Identity):
 * - a service: `svc:<name>` from the key inventory, else `client:<client id>`;
 * - a person: the lower-cased e-mail any fact of that subject gives (the latest one when it
 *   changed), else the subject id itself when it is an e-mail (the inventory names owners so),
 *   else `<source>:<subject_id>`.
 * A subject named without a kind (a revocation's target) counts as a person unless some fact
 * says it is a service. Cost: one GROUP BY over the facts.
 */
export const subjectsCte: Cte = cte(
  'subjects',
  sql`SELECT source, subject_id, subject_class AS kind, person_email AS email,
      multiIf(subject_class = 'service' AND source = 'keys', concat('svc:', subject_id),
              subject_class = 'service', concat('client:', subject_id),
              person_email != '', person_email,
              concat(source, ':', subject_id)) AS identity
    FROM (
      SELECT source, subject_id,
        if(max(subject_kind) = 'service', 'service', 'person') AS subject_class,
        argMaxIf(lower(email), (time, lower(email)), email != '') AS given_email,
        multiIf(subject_class = 'service', '',
                given_email != '', given_email,
                match(subject_id, '^[^@[:space:]]+@[^@[:space:]]+$'), lower(subject_id), '') AS person_email
      FROM facts
      WHERE subject_id != ''
      GROUP BY source, subject_id
    )`,
  { materialized: true },
)
