/**
 * Okta System Log (GET /api/v1/logs, Event Hooks): one LogEvent → facts (log-formats.md §1).
 *
 * Facts are read only from records whose outcome.result is SUCCESS, ALLOW or absent; any other
 * record (FAILURE, DENY, …) and any record that states nothing below is one `other` fact.
 *
 * - identity: the actor and every `User` target (person: `00u…` id, login = alternateId,
 *   e-mail = lower-cased alternateId when it is one); an OAuth client actor
 *   (`PublicClientApp` / `AppInstance`: service, id = client id `0oa…`). The system principal
 *   (system@okta.com) is nobody.
 * - credential: token grants (`app.oauth2.as.token.grant*`, `app.oauth2.token.grant*`,
 *   `app.oauth2.as.authorize.implicit.access_token`), one per `access_token` / `refresh_token`
 *   target; `system.api_token.create` (api_key, id = the `00T…` token record).
 * - revocation: `app.oauth2.as.token.revoke`, `app.oauth2.token.revoke` (per token target),
 *   `system.api_token.revoke` (also logged by the system when an unused token expires).
 * - subject_revocation: see SUBJECT_REVOCATIONS.
 * - trigger (metrics.md, Deprovisioning trigger) — exactly these event types:
 *     user.lifecycle.deactivate, user.lifecycle.suspend, user.lifecycle.delete.initiated (person);
 *     app.oauth2.client.lifecycle.deactivate, app.oauth2.client.lifecycle.delete,
 *     workload_principal.ai_agent.deactivate, workload_principal.ai_agent.delete (service).
 *   Not triggers: user.lifecycle.delete.completed (the deletion was initiated earlier) and
 *   every revocation.
 */
import type { SourceParser, SubjectKind } from '@/lib/sources/types'
import { oktaLogEvent, validationError, type OktaLogEvent } from '@/lib/sources/okta/log-event'
import { distinctFacts, factRows, type FactDraft } from '@/lib/sources/okta/facts'
import { identityFacts, serviceIdentity, targetPerson, targetService } from '@/lib/sources/okta/principals'
import { scrubbedRecord } from '@/lib/sources/secrets'
import { apiTokenFacts, apiTokenRevocationFacts, tokenGrantFacts, tokenRevocationFacts } from '@/lib/sources/okta/tokens'

type SubjectEventKinds = ReadonlyMap<string, Exclude<SubjectKind, ''>>

export const OKTA_TRIGGERS: SubjectEventKinds = new Map([
  ['user.lifecycle.deactivate', 'person'],
  ['user.lifecycle.suspend', 'person'],
  ['user.lifecycle.delete.initiated', 'person'],
  ['app.oauth2.client.lifecycle.deactivate', 'service'],
  ['app.oauth2.client.lifecycle.delete', 'service'],
  ['workload_principal.ai_agent.deactivate', 'service'],
  ['workload_principal.ai_agent.delete', 'service'],
])

/** Every token (or session) the subject holds is revoked. */
export const SUBJECT_REVOCATIONS: SubjectEventKinds = new Map([
  ['app.oauth2.token.revoke.implicit.user', 'person'],
  ['app.oauth2.token.revoke.implicit.client', 'service'],
  ['user.session.clear', 'person'],
  ['user.authentication.universal_logout', 'person'],
])

/** Token grants (their `.source` is also the engine's pattern, lib/ingest/engine/okta-event-sql.ts). */
export const TOKEN_GRANT = /^app\.oauth2\.(as\.)?token\.grant(\.|$)|^app\.oauth2\.as\.authorize\.implicit\.access_token$/
export const TOKEN_REVOCATIONS = new Set(['app.oauth2.as.token.revoke', 'app.oauth2.token.revoke'])
export const SUCCESS_RESULTS = new Set(['SUCCESS', 'ALLOW'])
export const EVENT_HOOK = 'com.okta.event_hook'

export const oktaSource: SourceParser = {
  name: 'okta',
  table: 'idp_events',
  parse(value, raw) {
    const read = scrubbedRecord(value, raw)
    if ('error' in read) return { ok: false, error: read.error }
    const { record, scrubbed } = read
    const checked = oktaLogEvent.safeParse(record, { reportInput: true })
    if (!checked.success) return { ok: false, error: validationError(checked.error) }
    const event = checked.data
    return { ok: true, requests: [], facts: factRows(event, factDrafts(event), scrubbed ? JSON.stringify(record) : raw) }
  },
  expand(document) {
    if (isObject(document) && isEventBridge(document)) return [document.detail]
    if (!isObject(document) || document.eventType !== EVENT_HOOK) return null
    const events = isObject(document.data) ? document.data.events : undefined
    return Array.isArray(events) ? events : null
  },
}

function factDrafts(event: OktaLogEvent): FactDraft[] {
  const result = event.outcome?.result
  const drafts = result && !SUCCESS_RESULTS.has(result) ? [] : distinctFacts([...statedFacts(event), ...identityFacts(event)])
  return drafts.length > 0 ? drafts : [{ kind: 'other' }]
}

function statedFacts(event: OktaLogEvent): FactDraft[] {
  const type = event.eventType
  if (TOKEN_GRANT.test(type)) return tokenGrantFacts(event)
  if (TOKEN_REVOCATIONS.has(type)) return tokenRevocationFacts(event)
  if (type === 'system.api_token.create') return apiTokenFacts(event)
  if (type === 'system.api_token.revoke') return apiTokenRevocationFacts(event)
  const revoked = SUBJECT_REVOCATIONS.get(type)
  if (revoked) return subjectFacts('subject_revocation', revoked, event)
  const deprovisioned = OKTA_TRIGGERS.get(type)
  if (deprovisioned) return subjectFacts('trigger', deprovisioned, event)
  return []
}

/** A trigger or subject-wide revocation for the target; a service target is also named as an identity. */
function subjectFacts(kind: 'trigger' | 'subject_revocation', subjectKind: string, event: OktaLogEvent): FactDraft[] {
  const subject = subjectKind === 'person' ? targetPerson(event) : targetService(event)
  if (!subject) return []
  const fact: FactDraft = { kind, subject_kind: subject.kind, subject_id: subject.id, client_id: subject.clientId }
  return subject.kind === 'service' ? [fact, serviceIdentity(subject)] : [fact]
}

/** Okta Log Streaming through AWS EventBridge: `{"detail-type", "source": "aws.partner/okta.com/…", "detail": {LogEvent}}`. */
function isEventBridge(document: Record<string, unknown>): boolean {
  return typeof document.source === 'string' && document.source.startsWith('aws.partner/okta.com') && isObject(document.detail)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
