import { actionsCte, attributionCte, directCte, inheritedCte } from './actions'
import { subClaimsCte, userClaimsCte } from './claims'
import { credentialSubjectsCte, subjectRevocationsCte } from './credential-subjects'
import { credentialRowsCte, credentialsCte, gatewayCredentialEvidenceCte, idpCredentialEvidenceCte } from './credentials'
import type { Cte } from './cte'
import { identitiesCte } from './identities'
import { factsCte, requestsCte, type TimeWindow } from './inputs'
import { pendingSessionsCte, sessionClaimsCte, sessionProfilesCte } from './session'
import { subjectsCte } from './subjects'
import { firstTriggersCte, triggersCte } from './triggers'

/**
 * Attribution computed from scratch, from every stored fact and request at query time: the
 * query the reports ran before attribution was stored. It is the oracle the maintained state
 * is checked against (test/reports/maintained-attribution.test.ts), what `custody
 * reattribute` rebuilds the stored state with, and what the custody chain explains an
 * action's decision with (it shows each rule's intermediate finding).
 */

/** Every subject a source names, resolved to its identity, as `subjects`. */
export const subjectCtesFromScratch: Cte[] = [factsCte, subjectsCte]

/** Subjects resolved to identities, and deprovisioning triggers. */
export const identityCtesFromScratch: Cte[] = [...subjectCtesFromScratch, triggersCte, firstTriggersCte]

/** What rules 1 and 2 join against (see rules.ts: directJoins('credential_subjects')). */
export const directRuleCtesFromScratch: Cte[] = [factsCte, subjectsCte, credentialSubjectsCte, subClaimsCte, userClaimsCte]

/** The credential set before the thresholds, as `credential_rows`. */
export const credentialRowCtesFromScratch: Cte[] = [
  factsCte,
  subjectsCte,
  credentialSubjectsCte,
  subjectRevocationsCte,
  idpCredentialEvidenceCte,
  gatewayCredentialEvidenceCte,
  credentialRowsCte,
]

/** The credential set as `credentials`. */
export function credentialCtesFromScratch(lifetimeSeconds: number): Cte[] {
  return [...credentialRowCtesFromScratch, credentialsCte(lifetimeSeconds)]
}

/** The attribution of every agent action in `scope`, as `attribution` (the stored columns). */
export function attributionCtesFromScratch(scope: TimeWindow): Cte[] {
  return [
    ...identityCtesFromScratch,
    ...credentialRowCtesFromScratch,
    subClaimsCte,
    userClaimsCte,
    requestsCte(scope),
    sessionClaimsCte,
    pendingSessionsCte(scope),
    sessionProfilesCte,
    directCte,
    inheritedCte,
    attributionCte,
  ]
}

/**
 * Every agent action with time in `scope`, attributed from scratch, as `actions`, with
 * `credentials`, `triggers`, `first_triggers` and `identities` beside it. Cost (BENCHMARKS.md,
 * 10M agent actions, 2 cores): the IdP side ~2 s per query for 600k facts, then ~0.5 s per
 * million actions for the per-action joins.
 */
export function attributedActionCtesFromScratch(scope: TimeWindow, lifetimeSeconds: number): Cte[] {
  return [...attributionCtesFromScratch(scope), credentialsCte(lifetimeSeconds), identitiesCte, actionsCte(lifetimeSeconds)]
}
