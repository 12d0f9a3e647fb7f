import { openAppStore } from '@/db'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { clickhouseReady } from '@/lib/clickhouse/ready'
import type { ReportPeriod } from '@/lib/reports/run'
import { thresholdsInForce } from '@/lib/thresholds/in-force'
import { credentialFacts, type CredentialFacts } from './credential'
import { decisionFor, type Decision } from './decision'
import { explainDecision } from './explain'
import { idpRecords, type IdpRecord } from './idp-records'
import { gatewayRecord, type GatewayRecord } from './request'
import { sessionSeed, type SessionSeed } from './seed'

export type { CredentialFacts, Decision, GatewayRecord, IdpRecord, SessionSeed }

/**
 * One action's chain of custody: the gateway record → the credential it presented (or the
 * session seed it inherited from, and that seed's credential) → the grant that issued the
 * credential → the identity → the identity's lifecycle. Every IdP step carries its raw record
 * and source. `decision` is the reports' own attribution of the action (null for a request
 * that is not an agent action), `explanation` the rule that decided it or why none could.
 */
export type CustodyChain = {
  request: GatewayRecord
  decision: Decision | null
  explanation: string
  seed: SessionSeed | null
  credential: (CredentialFacts & { presented: boolean }) | null
  grant: IdpRecord | null
  identity: { identity: string; kind: string; display_name: string | null; owner: string | null; ownerless: boolean; record: IdpRecord | null } | null
  /** Triggers, explicit revocations of the credential and subject-wide revocations of the identity, oldest first. */
  lifecycle: IdpRecord[]
}

/** The chain of custody of gateway request `eventId` (within `period` when given), or null when there is none. */
export async function custodyChain(actor: Actor, eventId: string, period?: ReportPeriod): Promise<CustodyChain | null> {
  requirePermission(actor, 'reports:read')
  await clickhouseReady()
  const request = await gatewayRecord(eventId, period)
  if (!request) return null
  const lifetime = (await thresholdsInForce(await openAppStore())).default_token_lifetime_seconds
  const decided = request.agent_action ? await decisionFor(eventId, request.time, lifetime) : null
  const decision = decided?.decision ?? null
  const seed = decision?.method === 'session' ? await sessionSeed(request.session_id, request.time, decision.identity) : null
  const credentialId = request.credential_id || seed?.credential_id || ''
  const [credential, records] = await Promise.all([
    decided && request.credential_id ? decided.presented : credentialId ? credentialFacts(credentialId, lifetime) : null,
    idpRecords(credentialId, decision?.identity ?? ''),
  ])
  const grant = records.find((r) => r.kind === 'credential' && r.credential_id === credentialId) ?? null
  return {
    request,
    decision,
    explanation: explainDecision(request, decision, seed),
    seed,
    credential: credential ? { ...credential, presented: credentialId === request.credential_id } : null,
    grant,
    identity: decision?.identity
      ? {
          identity: decision.identity,
          kind: decision.kind,
          display_name: decision.display_name,
          owner: decision.owner,
          ownerless: decision.ownerless,
          record: records.filter((r) => r.kind === 'identity').at(-1) ?? null,
        }
      : null,
    lifecycle: records.filter((r) => r.kind === 'trigger' || r.kind === 'revocation' || r.kind === 'subject_revocation'),
  }
}
