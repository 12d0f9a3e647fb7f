import { sql } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'

/**
 * Deprovisioning triggers (metrics.md): one row per trigger fact, with the identity it
 * removes, its source and the vendor's event type. Every trigger counts, even for an identity already deprovisioned. Needs facts,
 * subjects.
 */
export const triggersCte: Cte = cte(
  'triggers',
  sql`SELECT f.event_id AS event_id, f.fact_index AS fact_index, f.time AS time, s.identity AS identity,
      toString(f.source) AS source, f.vendor_event_type AS vendor_event_type
    FROM facts AS f
    INNER JOIN subjects AS s ON s.source = f.source AND s.subject_id = f.subject_id
    WHERE f.kind = 'trigger'`,
  { materialized: true },
)

/** The first trigger of each identity: an action after it is `after_deprovision`. */
export const firstTriggersCte: Cte = cte(
  'first_triggers',
  sql`SELECT identity, toNullable(min(time)) AS first_trigger FROM triggers GROUP BY identity`,
  { materialized: true },
)
