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

/** Subjects resolved to identities, and deprovisioning triggers. */
export const identityCtes: Cte[] = [factsCte, subjectsCte, triggersCte, firstTriggersCte]

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
 * Cost (measured on 2 shared cores, worst case: every session needs inheritance), per
 * million requests in scope, in CPU time: ~150 ms deduplicating the scope by event_id (single
 * threaded LIMIT BY), ~200 ms for the rule 1/2 hash joins, ~400 ms reading and grouping the
 * seeds of pending sessions (near 0 when actions carry credentials), ~300 ms for the credential
 * set (every gateway row that carries a credential, all time) and the trigger join. About
 * 1.3 s CPU per million in all; the IdP side is small and re-read per reference.
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
