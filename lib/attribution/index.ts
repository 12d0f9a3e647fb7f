import { actionsCte } from './actions'
import { credentialsCte } from './credentials'
import type { Cte } from './cte'
import type { TimeWindow } from './inputs'
import {
  currentGeneration,
  storedAttributionCte,
  storedCredentialGrantsCte,
  storedCredentialRowsCte,
  storedCredentialSubjectsCte,
  storedIdentitiesCte,
  storedSubjectsCte,
  storedTriggersCte,
} from './stored'
import { firstTriggersCte } from './triggers'

export { withCtes, cte, type Cte } from './cte'
export { actionGroupsCtes, edgeHours, ROLLUP_LIFETIME_SECONDS, wholeHours } from './hours'
export { factsCte, inWindow, type TimeWindow } from './inputs'
export { claimIdentity, credentialIdentity, directJoins } from './rules'
export {
  attributedActionCtesFromScratch,
  credentialCtesFromScratch,
  directRuleCtesFromScratch,
  identityCtesFromScratch,
  subjectCtesFromScratch,
} from './oracle'
export { attributionReady, maintainAttribution, reattribute, type MaintenanceOutcome } from './maintain'

/** Every subject a source names, resolved to its identity, as `subjects` (stored). */
export const subjectCtes: Cte[] = [storedSubjectsCte(currentGeneration)]

/** One row per identity (kind, display name, owner), as `identities` (stored). */
export const identitiesCte: Cte = storedIdentitiesCte(currentGeneration)

/** Deprovisioning triggers and each identity's first, as `triggers` and `first_triggers` (stored). */
export const triggerCtes: Cte[] = [storedTriggersCte(currentGeneration), firstTriggersCte]

/** The credential set as `credentials` (stored, with the default token lifetime applied), and `credential_subjects`. */
export function credentialCtes(lifetimeSeconds: number): Cte[] {
  return [storedCredentialSubjectsCte(currentGeneration), storedCredentialRowsCte(currentGeneration), credentialsCte(lifetimeSeconds)]
}

/** Each credential's first IdP grant to a client and whether a gateway presented it, as `credential_grants` (stored). */
export const credentialGrantsCte: Cte = storedCredentialGrantsCte(currentGeneration)

/**
 * Every agent action with time in `scope`, attributed, as `actions` (see actions.ts), with
 * `credentials`, `triggers` and `first_triggers` beside it. Reads the stored attribution
 * (lib/attribution/maintain keeps it current as data arrives; readers call attributionCurrent
 * first), so a report aggregates stored rows instead of attributing every action: the FINAL
 * read of the scope's attributed_actions and the after_expiry expression. The answer is the
 * from-scratch one (attributedActionCtesFromScratch; the property test holds them equal), so
 * a late IdP event still changes earlier answers and ingest order never does.
 */
export function attributedActionCtes(scope: TimeWindow, lifetimeSeconds: number): Cte[] {
  return [...triggerCtes, ...credentialCtes(lifetimeSeconds), storedAttributionCte(scope), actionsCte(lifetimeSeconds)]
}
