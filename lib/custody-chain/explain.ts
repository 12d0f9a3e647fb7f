import type { GatewayRecord } from './request'
import type { Decision } from './decision'
import type { SessionSeed } from './seed'

/**
 * The rule that attributed an action, or why none could (metrics.md, Attribution), in an
 * auditor's words: the same sentence on the page and in an evidence PDF.
 */
export function explainDecision(request: GatewayRecord, decision: Decision | null, seed: SessionSeed | null): string {
  if (!decision) return notAnAction(request)
  const claim = claimText(request)
  switch (decision.method) {
    case 'credential':
      return `Rule 1 (credential): the action presented ${request.credential_id}, a known credential issued to ${decision.identity}.${conflictText(decision)}`
    case 'subject_claim':
      return `Rule 2 (subject claim): the gateway recorded ${decision.sub_identity ? `sub ${request.sub}` : `user ${request.user}`}, which names ${decision.identity}.${
        request.credential_id ? ` The credential it presented (${request.credential_id}) is not known with a subject, so rule 1 did not apply.` : ''
      }`
    case 'session':
      return seed
        ? `Rule 3 (session): the action presented no credential or subject claim that names anyone; request ${seed.event_id} at ${seed.time}, earlier in session ${request.session_id}, was attributed to ${decision.identity} by rule ${seed.rule === 'credential' ? '1 (credential)' : '2 (subject claim)'}, and the action inherits it.`
        : `Rule 3 (session): an earlier request of session ${request.session_id} was attributed to ${decision.identity}, and the action inherits it.`
  }
  const session = request.session_id
    ? `no earlier request of session ${request.session_id} was attributed`
    : 'it belongs to no MCP session to inherit from'
  switch (decision.reason) {
    case 'unknown_credential':
      return `Unattributed (unknown credential): it presented ${request.credential_id}, which no IdP log or key inventory records with a subject; ${claim ? `its ${claim} maps to no identity; ` : ''}${session}.`
    case 'unmapped_subject':
      return `Unattributed (unmapped subject): it presented no credential, and its ${claim} maps to no identity any IdP names; ${session}.`
    default:
      return `Unattributed (no credential): it presented neither a credential nor a subject claim, and ${session}.`
  }
}

function notAnAction(request: GatewayRecord): string {
  return request.outcome === 'denied'
    ? 'Not an agent action: the gateway refused this request. The unattributed report counts it as a denied request; it seeds no session.'
    : `Not an agent action: ${request.method} is session plumbing. It is not counted as an action, but when rule 1 or 2 attributes it, it seeds its session.`
}

function claimText(request: GatewayRecord): string {
  if (request.sub && request.user) return `subject claim (sub ${request.sub}, user ${request.user})`
  if (request.sub) return `subject claim (sub ${request.sub})`
  return request.user ? `subject claim (user ${request.user})` : ''
}

function conflictText(decision: Decision): string {
  if (!decision.conflict) return ''
  const claimed = decision.sub_identity || decision.user_identity
  return ` Its subject claim names ${claimed}: rule 1 wins, and the action is flagged as a conflict.`
}
