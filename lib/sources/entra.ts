/**
 * Microsoft Entra ID (`--source entra`): Graph sign-ins (v1.0 and beta) and directory audits,
 * told apart by shape (log-formats.md §2), as Graph pages (`{"@odata.context", "value": [...],
 * "@odata.nextLink"}`), NDJSON, or Azure Monitor diagnostic records (§7.5: one per line from
 * Event Hub, `{"records": [...]}` blobs from storage) whose `properties` hold the Graph record.
 *
 * | fact               | Entra record                                                                  |
 * | ------------------ | ----------------------------------------------------------------------------- |
 * | credential (grant) | successful sign-in with `uniqueTokenIdentifier` (= the token's `uti`):         |
 * |                    | interactive / non-interactive → the user's; service principal / managed       |
 * |                    | identity → the app's (`client:<appId>`); expiry not logged (default applies)   |
 * | subject_revocation | `Update StsRefreshTokenValidFrom Timestamp` (revokeSignInSessions): every      |
 * |                    | token Entra issued to the target user                                          |
 * | trigger            | `Disable account`, `Delete user` (person); `Delete service principal`,          |
 * |                    | `Delete application`, `Update service principal` with AccountEnabled → false   |
 * | identity           | the signed-in user (UPN = e-mail) or app; audit initiators and target users   |
 * | other              | failed sign-ins and audits, `Hard Delete user` (deleted earlier), `Update     |
 * |                    | user` (Entra logs `Disable account` beside it), group / role / app-role        |
 * |                    | removals (they narrow access, they do not remove it; their users are named)   |
 */
import { isJsonObject } from './record-fields'
import { scrubRawRecord, scrubRecord } from './secrets'
import { checkedRecord, factRows, type FactDraft } from './vendor-record'
import { directoryAuditFacts, directoryAuditRecord } from './entra/directory-audit'
import { signInFacts, signInRecord, signInType, SIGN_IN_CATEGORIES } from './entra/sign-in'
import type { ParseResult, SourceParser } from './types'

const AUDIT_CATEGORY = 'AuditLogs'

export const entraSource: SourceParser = {
  name: 'entra',
  table: 'idp_events',
  parse(record, raw) {
    if (!isJsonObject(record)) return { ok: false, error: 'record: expected a JSON object' }
    const monitor = azureMonitorRecord(record)
    if (monitor && 'error' in monitor) return { ok: false, error: monitor.error }
    const graph = monitor ? monitor.properties : record
    const prefix = monitor ? 'properties' : ''
    const audit = monitor ? monitor.category === AUDIT_CATEGORY : 'activityDisplayName' in graph || 'activityDateTime' in graph
    if (!audit && !monitor && !('createdDateTime' in graph)) {
      return { ok: false, error: 'record: neither a sign-in (createdDateTime) nor a directory audit (activityDateTime)' }
    }
    return audit ? auditResult(graph, prefix, raw) : signInResult(graph, prefix, raw, monitor?.category, monitor?.resultType)
  },
  expand(document) {
    if (!isJsonObject(document)) return null
    if (Array.isArray(document.records) && Object.keys(document).length === 1) return document.records
    const graphPage = Array.isArray(document.value) && Object.keys(document).every((k) => k === 'value' || k.startsWith('@odata.'))
    return graphPage ? (document.value as unknown[]) : null
  },
}

type MonitorRecord = { category: string; properties: Record<string, unknown>; resultType?: unknown } | { error: string }

/** An Azure Monitor diagnostic record: `category` names the log, `properties` is the Graph record. */
function azureMonitorRecord(record: Record<string, unknown>): MonitorRecord | null {
  if (!('properties' in record) || !('category' in record)) return null
  const { category, properties } = record
  if (typeof category !== 'string' || !(category === AUDIT_CATEGORY || category in SIGN_IN_CATEGORIES)) {
    return { error: `category: expected ${[AUDIT_CATEGORY, ...Object.keys(SIGN_IN_CATEGORIES)].join(', ')}` }
  }
  if (!isJsonObject(properties)) return { error: 'properties: expected the Graph record' }
  // Azure Monitor wraps with its own `time`; the Graph record's time wins, this one fills in
  const time = category === AUDIT_CATEGORY ? 'activityDateTime' : 'createdDateTime'
  const graph = properties[time] == null && record.time != null ? { ...properties, [time]: record.time } : properties
  return { category, properties: graph, resultType: record.resultType }
}

function signInResult(graph: unknown, prefix: string, raw: string, category?: string, resultType?: unknown): ParseResult {
  const checked = checkedRecord(signInRecord, graph, prefix)
  if (!checked.ok) return checked
  const signIn = scrubRecord(checked.data)
  const type = signInType(signIn, category)
  const errorCode = signIn.status?.errorCode ?? (resultType == null || resultType === '' ? 0 : Number(resultType))
  const header = { source: 'entra' as const, event_id: signIn.id, time: signIn.createdDateTime, vendor_event_type: `signIn.${type}` }
  return { ok: true, requests: [], facts: factRows(header, signInFacts(signIn, type, errorCode !== 0), scrubRawRecord(raw)) }
}

function auditResult(graph: unknown, prefix: string, raw: string): ParseResult {
  const checked = checkedRecord(directoryAuditRecord, graph, prefix)
  if (!checked.ok) return checked
  const audit = scrubRecord(checked.data)
  const header = { source: 'entra' as const, event_id: audit.id, time: audit.activityDateTime, vendor_event_type: audit.activityDisplayName }
  const drafts: FactDraft[] = directoryAuditFacts(audit)
  return { ok: true, requests: [], facts: factRows(header, drafts, scrubRawRecord(raw)) }
}
