import { query, sql, type SqlFragment } from '@/lib/clickhouse'
import { attributedActionCtesFromScratch as attributedActionCtes, credentialCtesFromScratch as credentialCtes, identityCtesFromScratch as identityCtes, withCtes } from '@/lib/attribution'
import { DEFAULT_THRESHOLDS } from '@/lib/reports'
import type { BenchShape } from './shape'
import { medianOfRuns } from './timing'

/**
 * The building blocks the attributed reports share, each asked for alone over the whole
 * period, in the order a report builds them. Each line includes the blocks it needs (the
 * IdP side is part of every later line), so the step from one line to the next is roughly
 * what the later block adds.
 */
function stageQueries(shape: BenchShape): Record<string, SqlFragment> {
  const period = { from: shape.from, to: shape.to }
  const lifetime = DEFAULT_THRESHOLDS.default_token_lifetime_seconds
  const actions = withCtes(attributedActionCtes(period, lifetime))
  return {
    'read the period\'s requests, no dedupe': sql`SELECT count(), sum(length(credential_id) + length(session_id) + length(jwt_sub))
      FROM gateway_requests WHERE time >= ${shape.from} AND time < ${shape.to}`,
    'the same, deduplicated (FINAL)': sql`${actions} SELECT count(), sum(length(credential_id) + length(session_id) + length(jwt_sub)) FROM requests`,
    'IdP side: facts deduplicated, subjects': sql`${withCtes(identityCtes)} SELECT count(), sum(length(identity)) FROM subjects`,
    'credential set (IdP side + per_credential projection)': sql`${withCtes(credentialCtes(lifetime))}
      SELECT count(), sum(length(subject)), countIf(expires_at IS NULL), countIf(revoked_at IS NULL) FROM credentials`,
    'session profiles (per_session_claims projection)': sql`${actions} SELECT count(), sum(length(only_identity)) FROM session_profiles`,
    'rules 1–2 on every action (dedupe + credential set + claims)': sql`${actions}
      SELECT count(), sum(length(credential_identity) + length(claim_identity)), countIf(credential_explicit_expires IS NULL) FROM direct`,
    'rules 1–3 and flags on every action (all of attribution)': sql`${actions}
      SELECT count(), sum(length(identity)), countIf(method = 'session'), countIf(reason = 'no_credential'),
        countIf(after_expiry), countIf(after_revocation), countIf(after_deprovision), countIf(conflict) FROM actions`,
  }
}

export async function timeStages(shape: BenchShape, log: (line: string) => void): Promise<Record<string, number>> {
  const stages: Record<string, number> = {}
  for (const [stage, fragment] of Object.entries(stageQueries(shape))) {
    const run = () => query(fragment, { tag: 'bench:stage', timeoutSeconds: 3600, settings: { enable_materialized_cte: 1 } })
    stages[stage] = (await medianOfRuns(run)).seconds
    log(`stage ${stage}: ${stages[stage].toFixed(2)} s`)
  }
  return stages
}
