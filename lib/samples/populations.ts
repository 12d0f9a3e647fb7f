import { actionSource, actionsPopulation, postTriggerActionSource } from '@/lib/populations/actions'
import { credentialSource, credentialsPopulation } from '@/lib/populations/credentials'
import { identitiesPopulation, identitySource } from '@/lib/populations/identities'
import type { Population, PopulationSource } from '@/lib/populations/population'
import { triggerSource, triggersPopulation } from '@/lib/populations/triggers'
import type { ReportPeriod } from '@/lib/reports/run'
import type { SamplePopulation } from './names'

export { SAMPLE_POPULATIONS, type SamplePopulation } from './names'

type Sampled = { population: Population<Record<string, unknown>>; source: (period: ReportPeriod, now: Date) => Promise<PopulationSource> }

/**
 * Each sample population: its rows and CSV columns (dashboard.md) and the query the pages and
 * reports count it with, so its size is the report's number: `actions` = unattributed.total_actions,
 * `credentials` = token-age.credentials, `triggers` = revocation-latency.triggers, `identities` =
 * the attribution report's identities, `unattributed-actions` = unattributed.unattributed_actions,
 * `post-trigger-actions` = revocation-latency.post_trigger_actions (both judged at `now`).
 */
export const SAMPLED: Record<SamplePopulation, Sampled> = {
  actions: { population: widen(actionsPopulation), source: (period) => actionSource(period, {}) },
  credentials: { population: widen(credentialsPopulation), source: (period) => credentialSource(period, {}) },
  triggers: { population: widen(triggersPopulation), source: (period, now) => triggerSource(period, {}, now) },
  identities: { population: widen(identitiesPopulation), source: (period) => identitySource(period) },
  'unattributed-actions': { population: widen(actionsPopulation), source: (period) => actionSource(period, { reason: 'unattributed' }) },
  'post-trigger-actions': { population: widen(actionsPopulation), source: (period, now) => postTriggerActionSource(period, now) },
}

function widen<Row extends object>(p: Population<Row>): Population<Record<string, unknown>> {
  return p as unknown as Population<Record<string, unknown>>
}
