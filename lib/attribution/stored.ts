import { sql, type SqlFragment } from '@/lib/clickhouse'
import { cte, type Cte } from './cte'
import { inWindow, type TimeWindow } from './inputs'

/**
 * Reads of the stored attribution (db/clickhouse/0006, 0007; kept by lib/attribution/maintain)
 * under the names of the CTEs they store, so a report's SQL is the same over either. The
 * IdP-side tables are read at one generation: `current` (the latest maintenance run's) or a
 * generation being built.
 */
export type Generation = SqlFragment

export const currentGeneration: Generation = sql`(SELECT idp_generation FROM attribution_state ORDER BY completed_at DESC LIMIT 1)`

export function generation(id: number): Generation {
  return sql`toUInt64(${id})`
}

export function storedSubjectsCte(g: Generation): Cte {
  return cte('subjects', sql`SELECT source, subject_id, kind, email, identity FROM attribution_subjects WHERE generation = ${g}`)
}

export function storedCredentialSubjectsCte(g: Generation): Cte {
  return cte(
    'credential_subjects',
    sql`SELECT credential_id, identity, issuer_source, issuer_subject FROM attribution_credential_subjects WHERE generation = ${g}`,
  )
}

export function storedClaimsCtes(g: Generation): Cte[] {
  return (['sub', 'user'] as const).map((kind) =>
    cte(`${kind}_claims`, sql`SELECT claim, identity FROM attribution_claims WHERE generation = ${g} AND claim_kind = ${kind}`),
  )
}

/** The lifetime-free credential set; FINAL: a gateway batch rewrites rows with a newer version. */
export function storedCredentialRowsCte(g: Generation): Cte {
  return cte(
    'credential_rows',
    sql`SELECT credential_id, type, subject, client_id, issued_at, explicit_expires, revoked_at, last_used_at, known, logged_by
      FROM attribution_credentials FINAL WHERE generation = ${g}`,
    { materialized: true },
  )
}

/**
 * Each credential an IdP granted to a client: the first grant's client, source and subject, its
 * issue time, and whether a gateway presented it, as `credential_grants` (off-gateway).
 * FINAL before the filter: a gateway batch's newer version may set `presented`.
 */
export function storedCredentialGrantsCte(g: Generation): Cte {
  return cte(
    'credential_grants',
    sql`SELECT credential_id, presented, grant_client AS client, grant_source, grant_subject, assumeNotNull(grant_issued) AS issued
      FROM attribution_credentials FINAL
      WHERE generation = ${g} AND grant_issued IS NOT NULL`,
    { materialized: true },
  )
}

export function storedTriggersCte(g: Generation): Cte {
  return cte(
    'triggers',
    sql`SELECT event_id, fact_index, time, identity, source, vendor_event_type FROM attribution_triggers WHERE generation = ${g}`,
  )
}

export function storedIdentitiesCte(g: Generation): Cte {
  return cte('identities', sql`SELECT identity, kind, display_name, owner, ownerless = 1 AS ownerless FROM attribution_identities WHERE generation = ${g}`)
}

/** The stored attribution of the agent actions in `scope` (the latest version of each). */
export function storedAttributionCte(scope: TimeWindow): Cte {
  return cte(
    'attribution',
    sql`SELECT event_id, time, server, tool, client_name, session_id, credential_id, credential_type,
        credential_explicit_expires, credential_issued_at, identity, method, reason,
        after_revocation, after_deprovision, conflict
      FROM attributed_actions FINAL
      WHERE ${inWindow(sql`time`, scope)}`,
  )
}
