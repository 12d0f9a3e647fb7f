import type { SubjectKind } from '@/lib/sources/types'
import type { OktaLogEvent, OktaPrincipal } from '@/lib/sources/okta/log-event'
import type { FactDraft } from '@/lib/sources/okta/facts'

/** Who an actor or target is, in Custody's terms. Ids are Okta's (`00u…` users, `0oa…` clients). */
export type Subject = { kind: Exclude<SubjectKind, ''>; id: string; clientId: string; displayName: string }

export const CLIENT_TYPES = new Set(['PublicClientApp', 'AppInstance'])
/** An AI agent in Okta (`wlp…`): acts for itself, like a client, without an OAuth client id. */
export const WORKLOAD_TYPE = 'WorkloadIdentityPrincipal'
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function isSystem(principal: OktaPrincipal): boolean {
  return principal.type === 'SystemPrincipal' || principal.alternateId === 'system@okta.com'
}

export function isUser(principal: OktaPrincipal): boolean {
  return principal.type === 'User' && Boolean(principal.id)
}

export function isClient(principal: OktaPrincipal): boolean {
  return CLIENT_TYPES.has(principal.type ?? '') && Boolean(principal.id)
}

/** The actor as a subject: a user is a person, an OAuth client acting for itself a service. */
export function actorSubject(event: OktaLogEvent): Subject | null {
  const actor = event.actor
  if (!actor?.id || isSystem(actor)) return null
  if (isUser(actor)) return personSubject(actor)
  if (isClient(actor) || isWorkload(actor)) return serviceSubject(actor)
  return null
}

function isWorkload(principal: OktaPrincipal): boolean {
  return principal.type === WORKLOAD_TYPE && Boolean(principal.id)
}

/** The OAuth client that made the request: `client.id`, else a client actor. */
export function requestClientId(event: OktaLogEvent): string {
  if (event.client?.id) return event.client.id
  return event.actor && isClient(event.actor) ? (event.actor.id ?? '') : ''
}

export function targets(event: OktaLogEvent): OktaPrincipal[] {
  return event.target ?? []
}

/** The user a lifecycle, session or revocation event is about. */
export function targetPerson(event: OktaLogEvent): Subject | null {
  const user = targets(event).find((t) => isUser(t) || t.id?.startsWith('00u'))
  return user ? personSubject(user) : null
}

/** The OAuth client or AI-agent workload principal (`wlp…`) an event is about. */
export function targetService(event: OktaLogEvent): Subject | null {
  const all = targets(event)
  const service = all.find(isServiceTarget) ?? all.find((t) => t.id && !isUser(t))
  return service ? serviceSubject(service) : null
}

function personSubject(user: OktaPrincipal): Subject {
  return { kind: 'person', id: user.id ?? '', clientId: '', displayName: user.displayName ?? '' }
}

/** A workload principal (`wlp…`) is not an OAuth client, so it has no client id. */
function serviceSubject(service: OktaPrincipal): Subject {
  const id = service.id ?? ''
  return { kind: 'service', id, clientId: id.startsWith('wlp') ? '' : id, displayName: service.displayName ?? '' }
}

function isServiceTarget(target: OktaPrincipal): boolean {
  const id = target.id ?? ''
  return isClient(target) || id.startsWith('0oa') || id.startsWith('wlp') || /agent|workload/i.test(target.type ?? '')
}

/** Identity facts for the actor and every User target (the system principal is nobody). */
export function identityFacts(event: OktaLogEvent): FactDraft[] {
  const actor = event.actor && !isSystem(event.actor) ? [event.actor] : []
  const principals = [...actor, ...targets(event).filter(isUser)]
  return principals.flatMap((p) => {
    if (isUser(p)) return [personIdentity(p)]
    if (isClient(p) || isWorkload(p)) return [serviceIdentity(serviceSubject(p))]
    return []
  })
}

export function personIdentity(user: OktaPrincipal): FactDraft {
  const login = user.alternateId ?? ''
  return {
    kind: 'identity',
    subject_kind: 'person',
    subject_id: user.id ?? '',
    email: EMAIL.test(login) ? login.toLowerCase() : '',
    login,
    display_name: user.displayName ?? '',
  }
}

export function serviceIdentity(service: Subject): FactDraft {
  return {
    kind: 'identity',
    subject_kind: 'service',
    subject_id: service.id,
    client_id: service.clientId,
    display_name: service.displayName,
  }
}
