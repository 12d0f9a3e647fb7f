import { z } from 'zod'
import { actionGroupsCtes, identitiesCte, withCtes } from '@/lib/attribution'
import { sql } from '@/lib/clickhouse'
import { identityFields, identityKind, perIdentityCte } from '@/lib/reports/attribution'
import { count } from '@/lib/reports/common'
import type { ReportPeriod } from '@/lib/reports/run'
import type { Thresholds } from '@/lib/reports/thresholds'
import type { Population, PopulationSource } from './population'
import { populationThresholds } from './thresholds'

const identityRow = z.object({
  ...identityFields,
  by_credential: count,
  by_subject_claim: count,
  by_session: count,
  after_expiry: count,
  after_revocation: count,
  after_deprovision: count,
  conflict: count,
})
/** A person or service account of the `attribution` report, its by_method and flagged counts flattened into columns (the /attribution CSV). */
export type IdentityRow = z.infer<typeof identityRow>

export const identitiesPopulation: Population<IdentityRow> = {
  name: 'identities',
  columns: Object.keys(identityRow.shape),
  key: [{ name: 'identity', type: 'string' }],
  row: identityRow,
}

/**
 * The `attribution` report's identities (every one with an attributed action in the period)
 * as a population query, from the report's own per-identity grouping (perIdentityCte), so
 * its rows are the report's list and its count the list's length.
 */
export async function identitySource(period: ReportPeriod, inForce?: Promise<Thresholds>): Promise<PopulationSource> {
  const thresholds = await populationThresholds(inForce)
  return {
    with: sql`${withCtes(actionGroupsCtes(period, thresholds.default_token_lifetime_seconds), [identitiesCte, perIdentityCte])},
      population AS (
        SELECT p.identity AS identity, ${identityKind(sql`p.identity`)} AS kind, i.display_name AS display_name, i.owner AS owner,
          p.total AS actions, p.servers AS servers, p.tools AS tools, p.clients AS clients,
          p.first_action AS first_action, p.last_action AS last_action,
          p.credential AS by_credential, p.subject_claim AS by_subject_claim, p.session AS by_session,
          p.after_expiry AS after_expiry, p.after_revocation AS after_revocation, p.after_deprovision AS after_deprovision, p.conflict AS conflict
        FROM per_identity AS p
        LEFT JOIN identities AS i ON i.identity = p.identity
        WHERE p.identity != ''
      )`,
    where: [],
  }
}
