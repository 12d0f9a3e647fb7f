import { actionsCte, directCte, inheritedCte } from './actions'
import { subClaimsCte, userClaimsCte } from './claims'
import { credentialSubjectsCte, subjectRevocationsCte } from './credential-subjects'
import { credentialsCte, gatewayCredentialEvidenceCte, idpCredentialEvidenceCte } from './credentials'
import type { Cte } from './cte'
import { factsCte, requestsCte, type TimeWindow } from './inputs'
import { pendingSessionsCte, sessionClaimsCte, sessionProfilesCte } from './session'
import { subjectsCte } from './subjects'
import { firstTriggersCte, triggersCte } from './triggers'

export { withCtes, cte, type Cte } from './cte'
export { factsCte, inWindow, type TimeWindow } from './inputs'
export { identitiesCte } from './identities'
export { claimIdentity, credentialIdentity, directJoins } from './rules'

/** Every subject a source names, resolved to its identity, as `subjects`. */
export const subjectCtes: Cte[] = [factsCte, subjectsCte]

/** Subjects resolved to identities, and deprovisioning triggers. */
export const identityCtes: Cte[] = [...subjectCtes, triggersCte, firstTriggersCte]

/** What rules 1 and 2 join against (see rules.ts: directJoins('credential_subjects')). */
export const directRuleCtes: Cte[] = [factsCte, subjectsCte, credentialSubjectsCte, subClaimsCte, userClaimsCte]

/** The credential set as `credentials`. */
export function credentialCtes(lifetimeSeconds: number): Cte[] {
  return [
    factsCte,
    subjectsCte,
    credentialSubjectsCte,
    subjectRevocationsCte,
    idpCredentialEvidenceCte,
    gatewayCredentialEvidenceCte,
    credentialsCte(lifetimeSeconds),
  ]
}

/**
 * Every agent action with time in `scope`, attributed, as `actions` (see actions.ts), and
 * every request of the scope, deduplicated, as `requests`. Attribution is derived from all
 * data at query time, so a late IdP fact changes earlier answers and ingest order never does.
 *
 * Cost (npm run bench, BENCHMARKS.md: 10M agent actions, 2 cores): the IdP-side blocks are
 * materialized (computed once per query, ~2 s for 600k facts with the credential set), and the
 * gateway side of the credential set and of the session profiles comes from the aggregating
 * projections of db/clickhouse/0005, so neither grows with requests. What does is the
 * per-action part: the FINAL read of the scope (~0.1 s per million requests once merged), the
 * hash joins with the credential set, the claims, the session profiles and the first
 * triggers, and the identity and flag expressions: ~0.5 s per million actions, on both cores.
 */
export function attributedActionCtes(scope: TimeWindow, lifetimeSeconds: number): Cte[] {
  return [
    ...identityCtes,
    ...credentialCtes(lifetimeSeconds),
    subClaimsCte,
    userClaimsCte,
    requestsCte(scope),
    sessionClaimsCte,
    pendingSessionsCte(scope),
    sessionProfilesCte,
    directCte,
    inheritedCte,
    actionsCte,
  ]
}
