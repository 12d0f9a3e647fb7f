import { z } from 'zod'
import { subjectCtesFromScratch as subjectCtes, withCtes } from '@/lib/attribution'
import { query, sql } from '@/lib/clickhouse'
import { isoFromClickHouse, REPORT_QUERY_SETTINGS } from '@/lib/reports/common'

const factRow = z.object({
  event_id: z.string(),
  fact_index: z.coerce.number(),
  source: z.string(),
  time: isoFromClickHouse,
  kind: z.enum(['identity', 'credential', 'revocation', 'subject_revocation', 'trigger']),
  subject_id: z.string(),
  credential_id: z.string(),
})
const rawRow = z.object({ event_id: z.string(), fact_index: z.coerce.number(), vendor_event_type: z.string(), raw: z.string() })

/** One IdP or inventory record behind a step of the chain, with its raw record as stored. */
export type IdpRecord = z.infer<typeof factRow> & { vendor_event_type: string; raw: string }

/**
 * The records behind a credential and an identity: the credential's grants and explicit
 * revocations, and the identity's triggers, subject-wide revocations and (the latest per
 * subject) identity records — subjects resolved to identities as the reports resolve them.
 * Oldest first. The raw record lives on fact 0 of its event.
 */
export async function idpRecords(credentialId: string, identity: string): Promise<IdpRecord[]> {
  const facts = z.array(factRow).parse(
    await query<unknown>(
      sql`${withCtes(subjectCtes)},
        named AS (
          SELECT f.event_id AS event_id, f.fact_index AS fact_index, toString(f.source) AS source, f.time AS time,
            f.kind AS kind, f.subject_id AS subject_id, f.credential_id AS credential_id, s.identity AS identity
          FROM facts AS f
          LEFT JOIN subjects AS s ON s.source = f.source AND s.subject_id = f.subject_id
        )
        SELECT event_id, fact_index, source, time, kind, subject_id, credential_id FROM (
          SELECT * FROM named
          WHERE (${credentialId} != '' AND credential_id = ${credentialId} AND kind IN ('credential', 'revocation'))
             OR (${identity} != '' AND identity = ${identity} AND kind IN ('trigger', 'subject_revocation'))
          UNION ALL
          SELECT * FROM (
            SELECT * FROM named WHERE ${identity} != '' AND identity = ${identity} AND kind = 'identity'
            ORDER BY time DESC, event_id
            LIMIT 1 BY source, subject_id
          )
        )
        ORDER BY time, event_id, fact_index`,
      { tag: 'custody-chain:idp-records', settings: REPORT_QUERY_SETTINGS },
    ),
  )
  if (facts.length === 0) return []
  const raws = z.array(rawRow).parse(
    await query<unknown>(
      sql`SELECT event_id, fact_index, vendor_event_type, raw FROM idp_events
        WHERE event_id IN ${[...new Set(facts.map((f) => f.event_id))]}
        ORDER BY ingested_at DESC
        LIMIT 1 BY event_id, fact_index`,
      { tag: 'custody-chain:idp-raw' },
    ),
  )
  const rawOf = new Map(raws.filter((r) => r.fact_index === 0).map((r) => [r.event_id, r.raw]))
  const typeOf = new Map(raws.map((r) => [`${r.event_id}#${r.fact_index}`, r.vendor_event_type]))
  return facts.map((f) => ({ ...f, vendor_event_type: typeOf.get(`${f.event_id}#${f.fact_index}`) ?? '', raw: rawOf.get(f.event_id) ?? '' }))
}
