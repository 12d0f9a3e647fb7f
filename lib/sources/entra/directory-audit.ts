import { z } from 'zod'
import type { DirectoryAudit } from '@microsoft/microsoft-graph-types'
import { requiredTime } from '../record-fields'
import { personIdentity, serviceIdentity, vendorShaped, vendorText, type FactDraft } from '../vendor-record'
import { entraId, entraUpn } from './principal'

/** A Graph directoryAudit (log-formats.md §2.2), as far as Custody reads it. Unknown keys are kept. */

const keyValues = z.array(z.looseObject({ key: vendorText, value: vendorText })).nullish()

const targetResource = z.looseObject({
  id: vendorText,
  displayName: vendorText,
  type: vendorText,
  userPrincipalName: vendorText,
  modifiedProperties: z
    .array(z.looseObject({ displayName: vendorText, oldValue: vendorText, newValue: vendorText }))
    .nullish(),
})

export const directoryAuditRecord = vendorShaped<DirectoryAudit>()(
  z.looseObject({
    id: z.string({ error: 'required' }).min(1, 'required'),
    activityDateTime: requiredTime,
    activityDisplayName: z.string({ error: 'required' }).min(1, 'required'),
    result: z.enum(['success', 'failure', 'timeout', 'unknownFutureValue'], { error: 'expected success, failure or timeout' }).nullish(),
    additionalDetails: keyValues,
    initiatedBy: z
      .looseObject({
        user: z.looseObject({ id: vendorText, displayName: vendorText, userPrincipalName: vendorText }).nullish(),
        app: z.looseObject({ appId: vendorText, displayName: vendorText, servicePrincipalName: vendorText }).nullish(),
      })
      .nullish()
      .transform((v) => v ?? undefined),
    targetResources: z.array(targetResource).nullish(),
  }),
)

export type EntraDirectoryAudit = z.infer<typeof directoryAuditRecord>
type TargetResource = z.infer<typeof targetResource>

export const USER_TRIGGERS = new Set(['Disable account', 'Delete user'])
export const SERVICE_TRIGGERS = new Set(['Delete service principal', 'Delete application'])
export const SUBJECT_REVOCATIONS = new Set(['Update StsRefreshTokenValidFrom Timestamp'])

/** A successful audit: its trigger or revocation, and who it names (initiator and target users). */
export function directoryAuditFacts(audit: EntraDirectoryAudit): FactDraft[] {
  if (audit.result && audit.result !== 'success') return []
  return [...statedFacts(audit), ...namedPeople(audit)]
}

function statedFacts(audit: EntraDirectoryAudit): FactDraft[] {
  const activity = audit.activityDisplayName
  const user = targetUser(audit)
  if (user && USER_TRIGGERS.has(activity)) return [{ kind: 'trigger', subject_kind: 'person', subject_id: user }]
  if (user && SUBJECT_REVOCATIONS.has(activity)) return [{ kind: 'subject_revocation', subject_kind: 'person', subject_id: user }]
  const app = targetAppId(audit)
  if (app && (SERVICE_TRIGGERS.has(activity) || disablesServicePrincipal(audit))) {
    return [{ kind: 'trigger', subject_kind: 'service', subject_id: app, client_id: app }, serviceIdentity(app, targetOf(audit, isApp)?.displayName ?? '')]
  }
  return []
}

function namedPeople(audit: EntraDirectoryAudit): FactDraft[] {
  const people: FactDraft[] = []
  const initiator = audit.initiatedBy?.user
  const initiatorId = entraId(initiator?.id)
  if (initiatorId) people.push(personIdentity(initiatorId, entraUpn(initiatorId, initiator?.userPrincipalName), initiator?.displayName ?? ''))
  const app = entraId(audit.initiatedBy?.app?.appId)
  if (app) people.push(serviceIdentity(app, audit.initiatedBy?.app?.displayName ?? ''))
  for (const target of audit.targetResources ?? []) {
    const id = isUser(target) ? entraId(target.id) : undefined
    if (id) people.push(personIdentity(id, entraUpn(id, target.userPrincipalName), target.displayName ?? ''))
  }
  return people
}

function targetUser(audit: EntraDirectoryAudit): string | undefined {
  return entraId(targetOf(audit, isUser)?.id)
}

function targetOf(audit: EntraDirectoryAudit, wanted: (t: TargetResource) => boolean): TargetResource | undefined {
  return (audit.targetResources ?? []).find(wanted)
}

function isUser(target: TargetResource): boolean {
  return target.type === 'User' || (!target.type && Boolean(target.userPrincipalName))
}

function isApp(target: TargetResource): boolean {
  return target.type === 'ServicePrincipal' || target.type === 'Application'
}

/**
 * The app (client) id of a service-principal or application target: `AppId` in
 * additionalDetails, else the `AppId` / `AppPrincipalId` property, else the target's object id.
 */
function targetAppId(audit: EntraDirectoryAudit): string | undefined {
  const target = targetOf(audit, isApp)
  if (!target) return undefined
  const detail = audit.additionalDetails?.find((d) => d.key === 'AppId')?.value
  const property = target.modifiedProperties?.find((p) => p.displayName === 'AppId' || p.displayName === 'AppPrincipalId')
  const value = firstValue(property?.newValue ?? property?.oldValue)
  return entraId(detail) ?? entraId(typeof value === 'string' ? value : undefined) ?? entraId(target.id)
}

/** `Update service principal` whose `AccountEnabled` became false (Entra has no separate disable activity). */
function disablesServicePrincipal(audit: EntraDirectoryAudit): boolean {
  if (audit.activityDisplayName !== 'Update service principal') return false
  const enabled = targetOf(audit, isApp)?.modifiedProperties?.find((p) => p.displayName === 'AccountEnabled')
  return firstValue(enabled?.newValue) === false
}

/** modifiedProperties values are JSON text of an array: `"[false]"`, `"[\"guid\"]"`. */
function firstValue(text: string | undefined): unknown {
  if (!text) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value[0] : value
  } catch {
    return text
  }
}
