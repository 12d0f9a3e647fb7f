import { requirePermission, type Actor } from '@/lib/auth/actor'
import type { AttributionReport } from '@/lib/reports/attribution'
import { attributionViewed } from '@/lib/reports/attribution-view'
import { evidenceReport, type ReportPeriod } from '@/lib/reports/run'
import { firstValues, type SearchParams } from '@/lib/reports/search-params'
import { identitiesPopulation } from './identities'
import { identityQuerySchema, selectIdentities } from './identity-query'

/** A report's list as CSV rows: `/attribution`, `/off-gateway` and `/coverage` download these. */
export type ReportList = { columns: readonly string[]; rows: Record<string, unknown>[] }

export const REPORT_LISTS = ['identities', 'clients', 'sources'] as const
export type ReportListName = (typeof REPORT_LISTS)[number]

export function isReportList(name: string): name is ReportListName {
  return (REPORT_LISTS as readonly string[]).includes(name)
}

/** The identities list's CSV columns: the identities population's (lib/populations/identities.ts). */
export const IDENTITY_COLUMNS = identitiesPopulation.columns

/**
 * The rows of a report's own list, exactly as the report answers them (the lists are one row
 * per identity, client or source, already bounded): `identities` of `attribution` (its nested
 * by_method and flagged counts flattened into columns; reading it is viewing every identity,
 * recorded as such) searched, narrowed and sorted as the /attribution page shows them (`q`, `kind`,
 * `sort`, `dir`; every page of them), `clients` of `off-gateway`, `sources` of `coverage`.
 */
export async function reportList(actor: Actor, name: ReportListName, period: ReportPeriod, params: SearchParams = {}): Promise<ReportList> {
  requirePermission(actor, 'reports:read')
  switch (name) {
    case 'identities': {
      const report = await attributionViewed(actor, period)
      return { columns: IDENTITY_COLUMNS, rows: identityListRows(selectIdentities(report.identities, identityQuerySchema.parse(firstValues(params)))) }
    }
    case 'clients':
      return { columns: ['client', 'grants', 'last_grant'], rows: (await evidenceReport(actor, 'off-gateway', period)).clients }
    case 'sources':
      return {
        columns: ['source', 'events', 'first_event', 'last_event', 'days_without_events'],
        rows: (await evidenceReport(actor, 'coverage', period)).sources,
      }
  }
}

/** The attribution report's identities as list rows: by_method and flagged flattened into columns. */
export function identityListRows(identities: AttributionReport['identities']): Record<string, unknown>[] {
  return identities.map(({ by_method, flagged, ...identity }) => ({
    ...identity,
    by_credential: by_method.credential,
    by_subject_claim: by_method.subject_claim,
    by_session: by_method.session,
    ...flagged,
  }))
}
